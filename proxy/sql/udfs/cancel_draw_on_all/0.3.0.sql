CREATE FUNCTION promo_draw_proxy.cancel_draw_on_all(draw_id bigint, reason text) RETURNS SETOF integer AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT 1 FROM promo_draw.cancel_draw(draw_id, reason);
$$ LANGUAGE plproxy VOLATILE;
