CREATE FUNCTION promo_draw.claim_code_place(code text, shards integer) RETURNS integer
	AS 'MODULE_PATHNAME', 'claim_code_place'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION promo_draw.claim_code_place(text, integer) IS
	'internal: take one place of a limited code from a shard no one else holds (or wait for one); the shard, or NULL when none has room';
