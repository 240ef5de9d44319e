CREATE FUNCTION promo_draw_proxy.ineligible_on(node integer, draw_id bigint, customer_ids bigint[])
RETURNS bigint[] AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw_shard.shard_ineligible(draw_id, customer_ids);
$$ LANGUAGE plproxy VOLATILE;
