CREATE FUNCTION promo_draw_proxy.add_instant_prizes_on(node integer, instant_win_id bigint,
	prize text, quantity integer)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.add_instant_prizes(instant_win_id, prize, quantity);
$$ LANGUAGE plproxy VOLATILE;
