CREATE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
	RETURNS void
	AS 'MODULE_PATHNAME', 'bonus_win'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.bonus_win(bigint, numeric, text) IS
	'a win credited to a bonus (0 settles a losing bet); the win of a bet this bonus took counts even after the bet cleared it';
