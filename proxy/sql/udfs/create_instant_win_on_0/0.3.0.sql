CREATE FUNCTION promo_draw_proxy.create_instant_win_on_0(name text, starts_at timestamptz,
	ends_at timestamptz)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.create_instant_win(name, starts_at, ends_at);
$$ LANGUAGE plproxy VOLATILE;
