CREATE FUNCTION promo_draw_proxy.put_code_on(node integer, code text, starts_at timestamptz,
	ends_at timestamptz, max_redemptions bigint, reward jsonb, capacity bigint)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw_shard.shard_put_code(code, starts_at, ends_at, max_redemptions, reward, capacity);
$$ LANGUAGE plproxy VOLATILE;
