CREATE FUNCTION promo_draw.cancel_draw(draw_id bigint, reason text DEFAULT NULL) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT count(*) FROM promo_draw_proxy.cancel_draw_on_all(draw_id, reason);
$$;
COMMENT ON FUNCTION promo_draw.cancel_draw(bigint, text) IS
	'cancel a draw on every node; cancelling twice is harmless';
