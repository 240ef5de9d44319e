CREATE FUNCTION promo_draw_proxy.publish_draw_on_all(draw_id bigint, token uuid, staged bigint[],
	entry_digest bytea,
	OUT node integer, OUT results bigint)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_publish_draw(draw_id, token, staged, entry_digest);
$$ LANGUAGE plproxy VOLATILE;
