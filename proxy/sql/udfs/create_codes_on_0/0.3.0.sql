CREATE FUNCTION promo_draw_proxy.create_codes_on_0(prefix text, n integer, starts_at timestamptz,
	ends_at timestamptz, reward jsonb)
RETURNS SETOF text AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT * FROM promo_draw.create_codes(prefix, n, starts_at, ends_at, reward);
$$ LANGUAGE plproxy VOLATILE;
