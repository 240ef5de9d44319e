CREATE FUNCTION promo_draw_proxy.put_codes_on(node integer, codes text[], starts_at timestamptz,
	ends_at timestamptz, reward jsonb)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw_shard.shard_put_codes(codes, starts_at, ends_at, reward);
$$ LANGUAGE plproxy VOLATILE;
