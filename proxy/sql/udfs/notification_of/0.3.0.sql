CREATE FUNCTION promo_draw_proxy.notification_of(draw_id bigint)
RETURNS TABLE (notification_id bigint, customer_id bigint, draw_id bigint, kind text,
	payload jsonb, created_at timestamptz, delivered_at timestamptz)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.notification_rows($1) $$;
