CREATE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
BEGIN
	IF forfeit_bonus.bonus_id IS NULL OR reason IS NULL THEN
		RAISE EXCEPTION 'bonus_id and reason must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(reason) NOT BETWEEN 1 AND 500 THEN
		RAISE EXCEPTION 'a reason must be 1 to 500 characters long' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = forfeit_bonus.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', forfeit_bonus.bonus_id USING ERRCODE = 'PD030';
	END IF;
	IF promo_draw.bonus_status_now(b) <> 'active' THEN
		PERFORM promo_draw.bonus_not_active(b);
	END IF;
	UPDATE promo_draw.bonus
	SET status = 'forfeited', forfeit_reason = reason, ended_at = now()
	WHERE bonus.bonus_id = b.bonus_id;
END
$$;
COMMENT ON FUNCTION promo_draw.forfeit_bonus(bigint, text) IS
	'the operator ends an active bonus, with a reason; its balance is not paid out';
