-- INSERT on promo_draw.notification adds a message to the outbox
CREATE FUNCTION promo_draw.notification_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO promo_draw.outbox AS o (notification_id, customer_id, draw_id, kind, payload,
	                                    created_at, delivered_at)
	VALUES (coalesce(NEW.notification_id,
	                 nextval(pg_get_serial_sequence('promo_draw.outbox', 'notification_id'))),
	        NEW.customer_id, NEW.draw_id, NEW.kind, coalesce(NEW.payload, '{}'),
	        coalesce(NEW.created_at, now()), NEW.delivered_at)
	RETURNING o.* INTO NEW;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION promo_draw.notification_insert() IS
	'INSERT on promo_draw.notification: adds the message to the outbox';
CREATE TRIGGER notification_insert INSTEAD OF INSERT ON promo_draw.notification
	FOR EACH ROW EXECUTE FUNCTION promo_draw.notification_insert();
