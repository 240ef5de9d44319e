CREATE FUNCTION promo_draw.shard_draw_begin(draw_id bigint) RETURNS text
	AS 'MODULE_PATHNAME', 'shard_draw_begin'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_draw_begin(bigint) IS
	'lock a sharded draw on this node for the transaction (waiting for ingest in flight); ''drawn'' or ''ready'', or the error run_draw raises';
