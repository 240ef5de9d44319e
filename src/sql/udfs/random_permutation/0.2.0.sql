CREATE FUNCTION promo_draw.random_permutation(n bigint)
	RETURNS TABLE (item bigint, slot bigint)
	AS 'MODULE_PATHNAME', 'random_permutation'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE
	ROWS 1000;
COMMENT ON FUNCTION promo_draw.random_permutation(bigint) IS
	'a uniformly random permutation of 1 .. n (n up to 10,000,000): Fisher-Yates over unbiased draws from pg_strong_random()';
