CREATE FUNCTION promo_draw_proxy.prize_rows(for_draw bigint,
	OUT prize_id bigint, OUT draw_id bigint, OUT name text, OUT value numeric,
	OUT quantity integer, OUT payload jsonb)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT p.prize_id, p.draw_id, p.name, p.value, p.quantity, p.payload
	FROM promo_draw.prize p WHERE for_draw IS NULL OR p.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;
