CREATE FUNCTION promo_draw_proxy.seal_draw_on_all(draw_id bigint, digest bytea) RETURNS SETOF bytea AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw_shard.shard_seal_draw(draw_id, digest);
$$ LANGUAGE plproxy VOLATILE;
