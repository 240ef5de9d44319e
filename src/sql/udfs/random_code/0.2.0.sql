CREATE FUNCTION promo_draw.random_code(length integer) RETURNS text
	AS 'MODULE_PATHNAME', 'random_code'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.random_code(integer) IS
	'length (1 to 32) characters from pg_strong_random(), uniform over an alphabet without 0, O, 1, I and L';
