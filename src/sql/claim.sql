
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

CREATE FUNCTION promo_draw.claim_code_place(code text, shards integer) RETURNS integer
	AS 'MODULE_PATHNAME', 'claim_code_place'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION promo_draw.claim_code_place(text, integer) IS
	'internal: take one place of a limited code from a shard no one else holds (or wait for one); the shard, or NULL when none has room';
