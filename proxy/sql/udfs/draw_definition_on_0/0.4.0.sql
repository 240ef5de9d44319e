CREATE FUNCTION promo_draw_proxy.draw_definition_on_0(draw_id bigint) RETURNS jsonb AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw_shard.shard_draw_definition(draw_id);
$$ LANGUAGE plproxy VOLATILE;
