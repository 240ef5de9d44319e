/*
 * Money: the one check of an amount and the one stake-to-ticket rule,
 * shared with the C code (src/money.c) so that every part of promo_draw
 * refuses the same amounts with the same words.
 */
CREATE FUNCTION promo_draw.check_amount(amount numeric, name text, positive boolean)
	RETURNS numeric
	AS 'MODULE_PATHNAME', 'check_amount'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.check_amount(numeric, text, boolean) IS
	'internal: the amount, or 22023 unless it is finite and not negative (with positive, above 0); name is the amount''s name in the message';
