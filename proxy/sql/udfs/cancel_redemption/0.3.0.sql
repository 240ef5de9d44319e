CREATE FUNCTION promo_draw.cancel_redemption(code text, customer_id bigint) RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.cancel_redemption(code, customer_id);
$$ LANGUAGE plproxy VOLATILE;
