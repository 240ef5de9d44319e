CREATE FUNCTION promo_draw_proxy.record_stakes_on(node integer, draw_id bigint,
	customer_ids bigint[], amounts numeric[], ats timestamptz[], partition integer,
	source_offsets bigint[])
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.record_stakes(draw_id, customer_ids, amounts, ats, partition, source_offsets);
$$ LANGUAGE plproxy VOLATILE;
