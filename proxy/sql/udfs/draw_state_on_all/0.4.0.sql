CREATE FUNCTION promo_draw_proxy.draw_state_on_all(draw_id bigint,
	OUT node integer, OUT status text, OUT staged_token uuid, OUT staged bigint, OUT results bigint,
	OUT entries bigint)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_draw_state(draw_id);
$$ LANGUAGE plproxy VOLATILE;
