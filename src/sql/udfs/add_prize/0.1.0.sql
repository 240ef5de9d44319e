CREATE FUNCTION promo_draw.add_prize(draw_id bigint, name text, value numeric,
	quantity integer DEFAULT 1, payload jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_status text;
	v_prize_id bigint;
BEGIN
	IF add_prize.draw_id IS NULL OR add_prize.name IS NULL OR add_prize.value IS NULL
	   OR add_prize.quantity IS NULL OR add_prize.payload IS NULL THEN
		RAISE EXCEPTION 'add_prize arguments must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the row lock orders this with run_draw, which reads the prizes
	SELECT d.status INTO v_status FROM promo_draw.draw d
	WHERE d.draw_id = add_prize.draw_id FOR SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', add_prize.draw_id USING ERRCODE = 'PD001';
	ELSIF v_status = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn', add_prize.draw_id
			USING ERRCODE = 'PD003',
			      HINT = 'Its prize table cannot change any more.';
	ELSIF v_status = 'cancelled' THEN
		RAISE EXCEPTION 'draw % was cancelled', add_prize.draw_id USING ERRCODE = 'PD005';
	END IF;
	IF length(add_prize.name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a prize name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT (add_prize.value >= 0 AND add_prize.value < 'Infinity') THEN
		RAISE EXCEPTION 'a prize value must be a finite number, zero or more'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The value given was %s.', add_prize.value);
	END IF;
	IF add_prize.quantity NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'quantity must be between 1 and 10000000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The quantity given was %s.', add_prize.quantity);
	END IF;
	INSERT INTO promo_draw.prize (draw_id, name, value, quantity, payload)
	VALUES (add_prize.draw_id, add_prize.name, add_prize.value, add_prize.quantity, add_prize.payload)
	RETURNING prize.prize_id INTO v_prize_id;
	RETURN v_prize_id;
END
$$;
COMMENT ON FUNCTION promo_draw.add_prize(bigint, text, numeric, integer, jsonb) IS
	'add a prize (quantity units of it) to a draw that has not been drawn; returns its prize_id';
