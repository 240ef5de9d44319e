CREATE FUNCTION promo_draw.create_codes(prefix text, n integer, starts_at timestamptz,
	ends_at timestamptz, reward jsonb DEFAULT '{}')
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_prefix text;
	v_made bigint := 0;
	v_batch bigint;
BEGIN
	IF prefix IS NULL OR n IS NULL OR starts_at IS NULL OR ends_at IS NULL OR reward IS NULL THEN
		RAISE EXCEPTION 'create_codes arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF n NOT BETWEEN 1 AND 1000000 THEN
		RAISE EXCEPTION 'n must be between 1 and 1000000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('create_codes() was asked for %s codes.', n);
	END IF;
	IF starts_at >= ends_at THEN
		RAISE EXCEPTION 'a code must start before it ends'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('starts_at is %s and ends_at is %s.', starts_at, ends_at);
	END IF;
	v_prefix := CASE WHEN prefix = '' THEN '' ELSE promo_draw.normalize_code(prefix) END;
	IF length(v_prefix) > 52 THEN
		RAISE EXCEPTION 'the prefix must be at most 52 characters long'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A generated code adds 12 random characters and may be 64 long.';
	END IF;

	-- 12 characters of 31 (59 bits) make repeats rare; any is drawn again
	WHILE v_made < n LOOP
		RETURN QUERY
		WITH made AS (
			INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
			SELECT v_prefix || promo_draw.random_code(12), starts_at, ends_at, 1, reward, 1
			FROM generate_series(1, n - v_made)
			ON CONFLICT DO NOTHING
			RETURNING promo_code.code
		), shard AS (
			INSERT INTO promo_draw.code_shard (code, shard, capacity)
			SELECT made.code, 0, 1 FROM made
		)
		SELECT made.code FROM made;
		GET DIAGNOSTICS v_batch = ROW_COUNT;
		v_made := v_made + v_batch;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb) IS
	'create n (1 to 1,000,000) single-use codes: prefix and 12 random characters from pg_strong_random(); returns them';
