CREATE FUNCTION promo_draw.record_stakes(draw_id bigint, customer_ids bigint[], amounts numeric[],
	ats timestamptz[] DEFAULT NULL, partition integer DEFAULT 0, source_offsets bigint[] DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'record_stakes'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.record_stakes(bigint, bigint[], numeric[], timestamptz[], integer, bigint[]) IS
	'a batch of bets from one partition, with the results of single calls in order; returns the tickets the batch brought';
