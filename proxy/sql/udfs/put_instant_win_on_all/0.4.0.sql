CREATE FUNCTION promo_draw_proxy.put_instant_win_on_all(definition jsonb) RETURNS SETOF bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw_shard.shard_put_instant_win(definition);
$$ LANGUAGE plproxy VOLATILE;
