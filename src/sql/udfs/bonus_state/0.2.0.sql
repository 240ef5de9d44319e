CREATE FUNCTION promo_draw.bonus_state(bonus_id bigint)
RETURNS TABLE (balance numeric, wagered numeric, required numeric, accepts_bets boolean,
               cleared boolean, status text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
BEGIN
	IF bonus_state.bonus_id IS NULL THEN
		RAISE EXCEPTION 'bonus_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = bonus_state.bonus_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', bonus_state.bonus_id USING ERRCODE = 'PD030';
	END IF;
	RETURN QUERY SELECT b.balance, b.wagered, b.required,
	       promo_draw.bonus_status_now(b) = 'active' AND b.balance > 0 AND b.balance >= b.min_stake,
	       b.status = 'cleared', promo_draw.bonus_status_now(b);
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_state(bigint) IS
	'a bonus now: balance, wagered, required, whether it takes bets, whether it cleared, and its status';
