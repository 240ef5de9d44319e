CREATE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text)
	RETURNS void
	AS 'MODULE_PATHNAME', 'forfeit_bonus'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.forfeit_bonus(bigint, text) IS
	'the operator ends an active bonus, with a reason; its balance is not paid out';
