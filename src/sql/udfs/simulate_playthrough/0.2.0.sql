CREATE FUNCTION promo_draw.simulate_playthrough(amount numeric, playthrough numeric,
	payout_rate numeric, stake numeric, trials integer DEFAULT 1, volatility numeric DEFAULT 0,
	seed bigint DEFAULT NULL)
	RETURNS TABLE (mean_balance numeric, clear_rate numeric, p05_balance numeric, p95_balance numeric)
	AS 'MODULE_PATHNAME', 'simulate_playthrough'
	LANGUAGE C VOLATILE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint) IS
	'play a bonus through with bets of stake, trials times: mean final balance, share cleared, 5th and 95th percentile balances';
