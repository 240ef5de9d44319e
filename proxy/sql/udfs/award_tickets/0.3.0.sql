CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_id bigint, n bigint DEFAULT 1)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.award_tickets(draw_id, customer_id, n);
$$ LANGUAGE plproxy VOLATILE;
