CREATE FUNCTION promo_draw.create_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint DEFAULT NULL, reward jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text;
	v_shards integer;
BEGIN
	IF code IS NULL OR starts_at IS NULL OR ends_at IS NULL OR reward IS NULL THEN
		RAISE EXCEPTION 'code, starts_at, ends_at and reward must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Leave max_redemptions NULL for no limit.';
	END IF;
	v_code := promo_draw.normalize_code(code);
	IF starts_at >= ends_at THEN
		RAISE EXCEPTION 'a code must start before it ends'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('starts_at is %s and ends_at is %s.', starts_at, ends_at);
	END IF;
	IF max_redemptions < 1 THEN
		RAISE EXCEPTION 'max_redemptions must be at least 1'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave it NULL for no limit.';
	END IF;
	v_shards := CASE WHEN max_redemptions IS NULL THEN 0 ELSE least(max_redemptions, 32) END;
	INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
	VALUES (v_code, starts_at, ends_at, max_redemptions, reward, v_shards)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % already exists', v_code
			USING ERRCODE = 'PD016', HINT = 'Codes are case-insensitive.';
	END IF;
	-- the limit in parts that add up to it exactly
	INSERT INTO promo_draw.code_shard (code, shard, capacity)
	SELECT v_code, s, max_redemptions / v_shards + CASE WHEN s < max_redemptions % v_shards THEN 1 ELSE 0 END
	FROM generate_series(0, v_shards - 1) s;
END
$$;
COMMENT ON FUNCTION promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb) IS
	'create a promotion code (case-insensitive), active in [starts_at, ends_at), with an optional exact limit';
