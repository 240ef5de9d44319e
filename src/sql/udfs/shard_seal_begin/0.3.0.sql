CREATE FUNCTION promo_draw.shard_seal_begin(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shard_seal_begin'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_seal_begin(bigint) IS
	'wait for ingest in flight on a sealed draw that is ready; its digest if this node has it sealed, else NULL';
