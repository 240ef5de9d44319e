CREATE FUNCTION promo_draw_proxy.expire_bonuses_on_all() RETURNS SETOF integer AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.expire_bonuses();
$$ LANGUAGE plproxy VOLATILE;
