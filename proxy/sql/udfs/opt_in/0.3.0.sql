CREATE FUNCTION promo_draw.opt_in(draw_id bigint, customer_id bigint) RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.opt_in(draw_id, customer_id);
$$ LANGUAGE plproxy VOLATILE;
