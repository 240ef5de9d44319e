CREATE FUNCTION promo_draw_proxy.customer_result_rows(
	OUT draw_id bigint, OUT draw_name text, OUT customer_id bigint, OUT place bigint,
	OUT outcome text, OUT prize text, OUT prize_value numeric, OUT prize_payload jsonb,
	OUT ticket uuid, OUT drawn_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.customer_result;
$$ LANGUAGE plproxy VOLATILE;
