CREATE FUNCTION promo_draw_proxy.sealed_entries_on_all(draw_id bigint,
	OUT customer_id bigint, OUT tickets bigint, OUT entry_ref uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_sealed_entries(draw_id);
$$ LANGUAGE plproxy VOLATILE;
