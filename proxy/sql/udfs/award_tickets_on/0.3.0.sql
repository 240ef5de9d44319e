CREATE FUNCTION promo_draw_proxy.award_tickets_on(node integer, draw_id bigint,
	customer_ids bigint[], counts bigint[])
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.award_tickets(draw_id, customer_ids, counts);
$$ LANGUAGE plproxy VOLATILE;
