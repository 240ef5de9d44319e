CREATE FUNCTION promo_draw.record_stake(draw_id bigint, customer_id bigint, amount numeric,
	at timestamptz DEFAULT now(), partition integer DEFAULT 0, source_offset bigint DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'record_stake'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.record_stake(bigint, bigint, numeric, timestamptz, integer, bigint) IS
	'add a bet to the customer''s stake in a draw and return the tickets it brought; a repeated (partition, source_offset) changes nothing';
