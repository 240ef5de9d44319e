CREATE FUNCTION promo_draw_proxy.add_prize_on_0(draw_id bigint, name text, value numeric,
	quantity integer, payload jsonb)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.add_prize(draw_id, name, value, quantity, payload);
$$ LANGUAGE plproxy VOLATILE;
