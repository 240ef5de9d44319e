CREATE FUNCTION promo_draw_proxy.configure_on(on_node integer, node integer, nodes integer)
RETURNS integer AS $$
	CLUSTER 'promo_draw_shards'; RUN ON on_node;
	SELECT promo_draw_shard.shard_configure(node, nodes);
$$ LANGUAGE plproxy VOLATILE;
