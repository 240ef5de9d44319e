CREATE FUNCTION promo_draw.create_instant_win(name text, starts_at timestamptz, ends_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	IF name IS NULL OR starts_at IS NULL OR ends_at IS NULL THEN
		RAISE EXCEPTION 'name, starts_at and ends_at must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'an instant win''s name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF starts_at >= ends_at THEN
		RAISE EXCEPTION 'an instant win must start before it ends'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('starts_at is %s and ends_at is %s.', starts_at, ends_at);
	END IF;
	INSERT INTO promo_draw.instant_win (name, starts_at, ends_at)
	VALUES (name, starts_at, ends_at)
	RETURNING instant_win.instant_win_id INTO v_id;
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_instant_win(text, timestamptz, timestamptz) IS
	'create an instant-win game played in [starts_at, ends_at); returns its id';
