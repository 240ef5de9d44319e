CREATE FUNCTION promo_draw_proxy.take_notifications_on_all(max_count integer,
	OUT notification_id bigint, OUT customer_id bigint, OUT draw_id bigint, OUT kind text,
	OUT payload jsonb, OUT created_at timestamptz, OUT delivered_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT n.notification_id, n.customer_id, n.draw_id, n.kind, n.payload, n.created_at, n.delivered_at
	FROM promo_draw_shard.shard_take_notifications(max_count) n;
$$ LANGUAGE plproxy VOLATILE;
