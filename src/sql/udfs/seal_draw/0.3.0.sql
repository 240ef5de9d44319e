CREATE FUNCTION promo_draw.seal_draw(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'seal_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.seal_draw(bigint) IS
	'seal a sealed draw whose ingest is over (run_due_draws and the last close_partition do it too); returns its entry digest';
