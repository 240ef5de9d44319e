CREATE FUNCTION promo_draw.playthrough_required(amount numeric, playthrough numeric) RETURNS numeric
	AS 'MODULE_PATHNAME', 'playthrough_required'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.playthrough_required(numeric, numeric) IS
	'the wagering a bonus requires, amount x playthrough, after checking both against promo_draw.max_playthrough';
