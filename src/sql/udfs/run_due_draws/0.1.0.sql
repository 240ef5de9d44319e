CREATE FUNCTION promo_draw.run_due_draws() RETURNS integer
	AS 'MODULE_PATHNAME', 'run_due_draws'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.run_due_draws() IS
	'draw every ready draw whose draw_at has passed (for pg_cron, every minute); returns how many it drew';
