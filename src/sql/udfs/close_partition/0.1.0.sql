CREATE FUNCTION promo_draw.close_partition(draw_id bigint, partition integer) RETURNS boolean
	AS 'MODULE_PATHNAME', 'close_partition'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.close_partition(bigint, integer) IS
	'an ingest partition reports the draw time; returns true once every partition has reported and the draw is ready';
