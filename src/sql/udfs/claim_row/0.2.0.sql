/*
 * Claiming one of several interchangeable rows (a place of a code's limit,
 * a unit of an instant win's pool) without queueing behind other
 * claimers: see src/claim.c.
 */
CREATE FUNCTION promo_draw.claim_row(tab regclass, candidates tid[]) RETURNS tid
	AS 'MODULE_PATHNAME', 'claim_row'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION promo_draw.claim_row(regclass, tid[]) IS
	'internal: lock the first candidate row version no one else holds (or wait for the first held one); its tid, or NULL';
