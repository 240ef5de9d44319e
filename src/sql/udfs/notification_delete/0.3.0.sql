/*
 * DELETE on promo_draw.notification removes outbox rows.  A draw's outcome
 * messages are its result rows: they stay with the draw, and DELETE passes
 * them by (they are not counted as deleted).
 */
CREATE FUNCTION promo_draw.notification_delete()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM promo_draw.outbox o WHERE o.notification_id = OLD.notification_id;
	IF FOUND THEN
		RETURN OLD;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION promo_draw.notification_delete() IS
	'DELETE on promo_draw.notification: deletes outbox messages; draw outcome messages stay with their results';
CREATE TRIGGER notification_delete INSTEAD OF DELETE ON promo_draw.notification
	FOR EACH ROW EXECUTE FUNCTION promo_draw.notification_delete();
