CREATE FUNCTION promo_draw_proxy.draw_reveal_of(draw_id bigint)
RETURNS TABLE (draw_id bigint, seed bytea, seed_hash bytea, drawn_at timestamptz)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	-- the seed is revealed once every node has published
	SELECT r.* FROM promo_draw_proxy.draw_reveal_rows($1) r
	WHERE EXISTS (SELECT FROM promo_draw_proxy.draws($1) d WHERE d.status = 'drawn')
$$;
