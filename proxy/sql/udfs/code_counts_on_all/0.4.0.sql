CREATE FUNCTION promo_draw_proxy.code_counts_on_all(
	OUT code text, OUT starts_at timestamptz, OUT ends_at timestamptz, OUT max_redemptions bigint,
	OUT redeemed bigint, OUT cancelled bigint, OUT used numeric, OUT capacity numeric, OUT reward jsonb)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_code_counts();
$$ LANGUAGE plproxy VOLATILE;
