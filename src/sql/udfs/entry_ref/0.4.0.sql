-- The body is bound when the extension is created (pgcrypto's hmac
-- wherever pgcrypto is installed), so it needs no search_path of its own.
CREATE FUNCTION promo_draw.entry_ref(draw_id bigint, customer_id bigint) RETURNS uuid
	LANGUAGE sql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
	RETURN (SELECT encode(substr(hmac(int8send(entry_ref.draw_id) || int8send(entry_ref.customer_id),
	                                  s.ref_key, 'sha256'), 1, 16), 'hex')::uuid
	        FROM promo_draw.draw_secret s
	        WHERE s.draw_id = entry_ref.draw_id);
COMMENT ON FUNCTION promo_draw.entry_ref(bigint, bigint) IS
	'a customer''s entry reference in a draw, their name in its public record (HMAC of draw and customer under the draw''s secret key; NULL for an unknown draw)';
