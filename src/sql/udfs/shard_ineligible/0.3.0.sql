CREATE FUNCTION promo_draw.shard_ineligible(draw_id bigint, customer_ids bigint[]) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shard_ineligible'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_ineligible(bigint, bigint[]) IS
	'the customers the draw''s eligibility function finds not eligible, asked as the role that created the draw';
