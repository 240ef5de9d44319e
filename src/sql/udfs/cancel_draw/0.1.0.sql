CREATE FUNCTION promo_draw.cancel_draw(draw_id bigint, reason text DEFAULT NULL) RETURNS void
	AS 'MODULE_PATHNAME', 'cancel_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.cancel_draw(bigint, text) IS
	'cancel a draw that has not been drawn: it takes no more tickets and will never be drawn';
