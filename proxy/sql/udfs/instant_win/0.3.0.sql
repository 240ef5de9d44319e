CREATE FUNCTION promo_draw.instant_win(instant_win_id bigint, customer_id bigint,
	OUT prize text, OUT outcome text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT * FROM promo_draw.instant_win(instant_win_id, customer_id);
$$ LANGUAGE plproxy VOLATILE;
