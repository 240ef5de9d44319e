CREATE FUNCTION promo_draw.take_notifications(max_count integer DEFAULT 100)
	RETURNS SETOF promo_draw.notification
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	-- each node hands out its share of max_count
	SELECT * FROM promo_draw_proxy.take_notifications_on_all(max_count) n
	ORDER BY n.created_at, n.notification_id
$$;
COMMENT ON FUNCTION promo_draw.take_notifications(integer) IS
	'hand out up to max_count undelivered customer messages of every node and mark them delivered; concurrent consumers never get the same one';
