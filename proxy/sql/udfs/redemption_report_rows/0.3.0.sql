-- each node's redemption_report, labelled there
CREATE FUNCTION promo_draw_proxy.redemption_report_rows(
	OUT code_label text, OUT customer_id bigint, OUT redeemed_at timestamptz,
	OUT cancelled_at timestamptz, OUT archived boolean)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.redemption_report;
$$ LANGUAGE plproxy VOLATILE;
