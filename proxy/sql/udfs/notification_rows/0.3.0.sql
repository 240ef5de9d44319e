CREATE FUNCTION promo_draw_proxy.notification_rows(for_draw bigint,
	OUT notification_id bigint, OUT customer_id bigint, OUT draw_id bigint, OUT kind text,
	OUT payload jsonb, OUT created_at timestamptz, OUT delivered_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT n.notification_id, n.customer_id, n.draw_id, n.kind, n.payload, n.created_at, n.delivered_at
	FROM promo_draw.notification n WHERE for_draw IS NULL OR n.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;
