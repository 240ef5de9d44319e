-- the exact key of a customer's j-th ticket of n: what a node computes in
-- numeric for near ties, as verify_draw defines it: digest version 2 by
-- entry reference, to 130 decimal places; version 1 by customer id
CREATE FUNCTION promo_draw_proxy.exact_key(beacon bytea, digest bytea, customer_id bigint,
	entry_ref uuid, j integer, n bigint, by_ref boolean)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
	SELECT sum(CASE WHEN by_ref
	                THEN -ln(((2 * x + 1) * 0.00000000000000000002710505431213761085018632002174854278564453125)::numeric(200, 130))
	                ELSE -ln((2 * x + 1) * 0.00000000000000000002710505431213761085018632002174854278564453125)
	           END / (n - i + 1))
	FROM generate_series(1, j) i,
	     LATERAL hmac(digest || CASE WHEN by_ref THEN uuid_send(entry_ref) ELSE int8send(customer_id) END
	                  || int8send(i::bigint), beacon, 'sha256') h,
	     LATERAL (SELECT ('x' || encode(substr(h, 1, 8), 'hex'))::bit(64)::bigint::numeric
	                     + CASE WHEN get_byte(h, 0) >= 128 THEN 18446744073709551616 ELSE 0 END) AS b(x);
END;
COMMENT ON FUNCTION promo_draw_proxy.exact_key(bytea, bytea, bigint, uuid, integer, bigint, boolean) IS
	'the exact key of ticket j of an entry holding n tickets in a sealed draw, in numeric';
