CREATE FUNCTION promo_draw.shard_code_counts()
RETURNS TABLE (code text, starts_at timestamptz, ends_at timestamptz, max_redemptions bigint,
	redeemed bigint, cancelled bigint, used numeric, capacity numeric, reward jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.code, c.starts_at, c.ends_at, c.max_redemptions, s.redeemed, s.cancelled,
	       (SELECT sum(q.used) FROM promo_draw.code_shard q WHERE q.code = c.code),
	       (SELECT sum(q.capacity) FROM promo_draw.code_shard q WHERE q.code = c.code),
	       c.reward
	FROM promo_draw.promo_code c
	JOIN promo_draw.code_summary s ON s.code = c.code
$$;
COMMENT ON FUNCTION promo_draw.shard_code_counts() IS
	'per code, this node''s redemptions and its part of the limit, for the proxy''s code_summary';
