CREATE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
	RETURNS void
	AS 'MODULE_PATHNAME', 'bonus_bet'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.bonus_bet(bigint, numeric, numeric, text) IS
	'a bet on an active bonus: balance -= stake, wagered += stake x contribution; a bet_id seen before changes nothing';
