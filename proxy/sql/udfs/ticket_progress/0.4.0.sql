CREATE FUNCTION promo_draw.ticket_progress(draw_id bigint, customer_id bigint,
	OUT tickets bigint, OUT stake numeric, OUT stake_to_next_ticket numeric, OUT opted_in boolean,
	OUT entry_ref uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT * FROM promo_draw.ticket_progress(draw_id, customer_id);
$$ LANGUAGE plproxy VOLATILE;
