CREATE FUNCTION promo_draw.grant_bonus(customer_id bigint, amount numeric, playthrough numeric,
	expires_at timestamptz DEFAULT NULL, min_stake numeric DEFAULT 0)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.grant_bonus(customer_id, amount, playthrough, expires_at, min_stake);
$$ LANGUAGE plproxy VOLATILE;
