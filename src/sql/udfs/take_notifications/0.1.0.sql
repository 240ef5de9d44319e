CREATE FUNCTION promo_draw.take_notifications(max_count integer DEFAULT 100)
	RETURNS SETOF promo_draw.notification
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH picked AS (
		SELECT n.notification_id FROM promo_draw.notification n
		WHERE n.delivered_at IS NULL
		ORDER BY n.notification_id
		LIMIT max_count
		FOR UPDATE SKIP LOCKED
	), taken AS (
		UPDATE promo_draw.notification n SET delivered_at = now()
		FROM picked WHERE n.notification_id = picked.notification_id
		RETURNING n.*
	)
	SELECT * FROM taken ORDER BY notification_id
$$;
COMMENT ON FUNCTION promo_draw.take_notifications(integer) IS
	'hand out up to max_count undelivered customer messages in notification_id order and mark them delivered; concurrent consumers never get the same one';
