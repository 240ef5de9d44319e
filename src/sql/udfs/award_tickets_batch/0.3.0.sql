CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_ids bigint[],
	counts bigint[] DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'award_tickets_batch'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) IS
	'a batch of awards (counts NULL: one ticket each), as single calls in order would give them; returns the tickets issued';
