CREATE FUNCTION promo_draw_proxy.shuffle_instant_win_on_all(instant_win_id bigint) RETURNS SETOF bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.shuffle_instant_win(instant_win_id);
$$ LANGUAGE plproxy VOLATILE;
