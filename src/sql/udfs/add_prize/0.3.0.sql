CREATE FUNCTION promo_draw.add_prize(draw_id bigint, name text, value numeric,
	quantity integer DEFAULT 1, payload jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE;
	v_prize_id bigint;
BEGIN
	IF add_prize.draw_id IS NULL OR add_prize.name IS NULL OR add_prize.value IS NULL
	   OR add_prize.quantity IS NULL OR add_prize.payload IS NULL THEN
		RAISE EXCEPTION 'add_prize arguments must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the row lock orders this with run_draw, which reads the prizes, and
	-- with close_partition, which makes the draw ready
	SELECT * INTO v FROM promo_draw.draw d
	WHERE d.draw_id = add_prize.draw_id FOR SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', add_prize.draw_id USING ERRCODE = 'PD001';
	ELSIF v.status = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn', add_prize.draw_id
			USING ERRCODE = 'PD003',
			      HINT = 'Its prize table cannot change any more.';
	ELSIF v.status = 'cancelled' THEN
		RAISE EXCEPTION 'draw % was cancelled', add_prize.draw_id USING ERRCODE = 'PD005';
	ELSIF v.status = 'sealed' THEN
		RAISE EXCEPTION 'draw % is sealed', add_prize.draw_id
			USING ERRCODE = 'PD040',
			      DETAIL = format('Its entries, prizes and rules were frozen at %s in digest %s.',
			                      v.sealed_at, encode(v.entry_digest, 'hex')),
			      HINT = 'Add prizes before the draw is sealed.';
	ELSIF v.partitions > 0 AND v.ready_at IS NOT NULL THEN
		RAISE EXCEPTION 'draw % is closed', add_prize.draw_id
			USING ERRCODE = 'PD004',
			      DETAIL = 'Every ingest partition has reported, so its prize table is final.',
			      HINT = 'Add prizes before the draw is ready.';
	ELSIF v.partitions = 0 AND clock_timestamp() >= v.closes_at THEN
		RAISE EXCEPTION 'draw % is closed', add_prize.draw_id
			USING ERRCODE = 'PD004',
			      DETAIL = format('It closed at %s, so its prize table is final.', v.closes_at),
			      HINT = 'Add prizes before the draw is ready.';
	END IF;
	IF length(add_prize.name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a prize name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM promo_draw.check_amount(add_prize.value, 'value', false);
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
	'add a prize (quantity units of it) to a draw that is not ready yet; returns its prize_id';
