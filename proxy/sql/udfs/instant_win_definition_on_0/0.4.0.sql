CREATE FUNCTION promo_draw_proxy.instant_win_definition_on_0(instant_win_id bigint) RETURNS jsonb AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw_shard.shard_instant_win_definition(instant_win_id);
$$ LANGUAGE plproxy VOLATILE;
