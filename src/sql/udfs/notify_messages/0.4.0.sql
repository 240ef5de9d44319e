/*
 * Listeners on channel promo_draw_messages hear once per transaction that
 * messages wait: from the C paths that write messages (milestones, bonuses,
 * a draw's outcomes) and, through this trigger, from SQL ones (instant wins,
 * INSERT on notification).  NOTIFY folds repeats within a transaction.
 */
CREATE FUNCTION promo_draw.notify_messages() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pg_notify('promo_draw_messages', '');
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION promo_draw.notify_messages() IS
	'trigger: NOTIFY promo_draw_messages once per transaction that adds messages in SQL';
CREATE TRIGGER outbox_notify AFTER INSERT ON promo_draw.outbox
	FOR EACH STATEMENT EXECUTE FUNCTION promo_draw.notify_messages();
