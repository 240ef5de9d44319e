CREATE FUNCTION promo_draw.add_instant_prizes(instant_win_id bigint, prize text, quantity integer)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.instant_win%ROWTYPE;
	v_units bigint;
BEGIN
	IF add_instant_prizes.instant_win_id IS NULL OR quantity IS NULL THEN
		RAISE EXCEPTION 'instant_win_id and quantity must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'A NULL prize adds losing units.';
	END IF;
	IF quantity NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'quantity must be between 1 and 10000000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The quantity given was %s.', quantity);
	END IF;
	IF prize = '' THEN
		RAISE EXCEPTION 'a prize must not be empty'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'A NULL prize adds losing units.';
	END IF;
	-- the row lock orders this with the shuffle of the first play
	SELECT * INTO v FROM promo_draw.instant_win w
	WHERE w.instant_win_id = add_instant_prizes.instant_win_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', add_instant_prizes.instant_win_id
			USING ERRCODE = 'PD020';
	ELSIF v.shuffled_at IS NOT NULL THEN
		RAISE EXCEPTION 'the pool of instant win % is already shuffled', add_instant_prizes.instant_win_id
			USING ERRCODE = 'PD024',
			      DETAIL = format('The first play shuffled it at %s; units cannot be added after.', v.shuffled_at);
	END IF;
	SELECT count(*) INTO v_units FROM promo_draw.instant_prize p
	WHERE p.instant_win_id = add_instant_prizes.instant_win_id;
	IF v_units + quantity > 10000000 THEN
		RAISE EXCEPTION 'a pool holds at most 10000000 units'
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('It holds %s already.', v_units);
	END IF;
	INSERT INTO promo_draw.instant_prize (instant_win_id, unit, prize)
	SELECT add_instant_prizes.instant_win_id, v_units + g, prize
	FROM generate_series(1, quantity) g;
END
$$;
COMMENT ON FUNCTION promo_draw.add_instant_prizes(bigint, text, integer) IS
	'add quantity units of a prize (NULL: losing units) to an instant win''s pool, before its first play';
