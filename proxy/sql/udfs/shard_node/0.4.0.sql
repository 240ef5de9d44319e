CREATE FUNCTION promo_draw_proxy.shard_node(OUT node integer, OUT nodes integer, OUT version text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_node();
$$ LANGUAGE plproxy VOLATILE;
