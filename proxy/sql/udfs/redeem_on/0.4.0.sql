CREATE FUNCTION promo_draw_proxy.redeem_on(node integer, for_code text, for_customer bigint,
	OUT code text, OUT customer_id bigint, OUT redeemed_at timestamptz, OUT cancelled_at timestamptz,
	OUT shard integer)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT r.code, r.customer_id, r.redeemed_at, r.cancelled_at, r.shard
	FROM promo_draw_shard.shard_redeem(for_code, for_customer) r;
$$ LANGUAGE plproxy VOLATILE;
