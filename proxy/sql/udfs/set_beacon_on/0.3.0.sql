CREATE FUNCTION promo_draw_proxy.set_beacon_on(node integer, draw_id bigint, value bytea, reference text)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.set_beacon(draw_id, value, reference);
$$ LANGUAGE plproxy VOLATILE;
