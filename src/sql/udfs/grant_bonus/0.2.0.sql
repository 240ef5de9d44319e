CREATE FUNCTION promo_draw.grant_bonus(customer_id bigint, amount numeric, playthrough numeric,
	expires_at timestamptz DEFAULT NULL, min_stake numeric DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_required numeric;
	v_id bigint;
BEGIN
	IF customer_id IS NULL OR min_stake IS NULL THEN
		RAISE EXCEPTION 'customer_id and min_stake must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Leave expires_at NULL for no expiry.';
	END IF;
	v_required := promo_draw.playthrough_required(amount, playthrough);
	IF min_stake < 0 OR min_stake > amount THEN
		RAISE EXCEPTION 'min_stake must be between 0 and the amount'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('min_stake is %s and the amount %s.', min_stake, amount);
	END IF;
	IF expires_at <= now() THEN
		RAISE EXCEPTION 'a bonus must expire in the future'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('expires_at is %s.', expires_at);
	END IF;
	INSERT INTO promo_draw.bonus (customer_id, amount, playthrough, required, min_stake, balance,
	                              expires_at, status, ended_at)
	VALUES (customer_id, amount, playthrough, v_required, min_stake, amount, expires_at,
	        CASE WHEN v_required = 0 THEN 'cleared' ELSE 'active' END,
	        CASE WHEN v_required = 0 THEN now() END)
	RETURNING bonus.bonus_id INTO v_id;
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric) IS
	'grant a customer a bonus that turns into cash once amount x playthrough has been wagered; returns its id';
