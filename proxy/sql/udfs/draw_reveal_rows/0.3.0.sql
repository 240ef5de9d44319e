CREATE FUNCTION promo_draw_proxy.draw_reveal_rows(for_draw bigint,
	OUT draw_id bigint, OUT seed bytea, OUT seed_hash bytea, OUT drawn_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT v.draw_id, v.seed, v.seed_hash, v.drawn_at
	FROM promo_draw.draw_reveal v WHERE for_draw IS NULL OR v.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;
