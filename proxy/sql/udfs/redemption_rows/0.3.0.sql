CREATE FUNCTION promo_draw_proxy.redemption_rows(
	OUT code text, OUT customer_id bigint, OUT redeemed_at timestamptz, OUT cancelled_at timestamptz,
	OUT shard integer)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT r.code, r.customer_id, r.redeemed_at, r.cancelled_at, r.shard FROM promo_draw.redemption r;
$$ LANGUAGE plproxy VOLATILE;
