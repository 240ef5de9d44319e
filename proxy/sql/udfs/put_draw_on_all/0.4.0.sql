CREATE FUNCTION promo_draw_proxy.put_draw_on_all(definition jsonb) RETURNS SETOF bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw_shard.shard_put_draw(definition);
$$ LANGUAGE plproxy VOLATILE;
