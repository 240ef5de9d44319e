CREATE FUNCTION promo_draw.playthrough_expected_balance(amount numeric, playthrough numeric,
	payout_rate numeric) RETURNS numeric
	AS 'MODULE_PATHNAME', 'playthrough_expected_balance'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.playthrough_expected_balance(numeric, numeric, numeric) IS
	'what a bonus is worth on average: max(0, amount - amount x playthrough x (1 - payout_rate))';
