CREATE FUNCTION promo_draw_proxy.close_partition_on_all(draw_id bigint, partition integer)
RETURNS SETOF boolean AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.close_partition(draw_id, partition);
$$ LANGUAGE plproxy VOLATILE;
