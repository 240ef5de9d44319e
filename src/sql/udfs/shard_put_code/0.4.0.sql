CREATE FUNCTION promo_draw.shard_put_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint, reward jsonb, capacity bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
	v_shards integer;
BEGIN
	IF starts_at IS NULL OR ends_at IS NULL OR reward IS NULL
	   OR (max_redemptions IS NULL) <> (capacity IS NULL) OR capacity < 0 THEN
		RAISE EXCEPTION 'shard_put_code needs a window, a reward and, for a limited code, a capacity of 0 or more'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_redemptions < 1 OR capacity > max_redemptions THEN
		RAISE EXCEPTION 'max_redemptions must be at least 1, and capacity at most max_redemptions'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('max_redemptions was %s and capacity %s.', max_redemptions, capacity);
	END IF;
	IF max_redemptions IS NULL THEN
		PERFORM promo_draw.create_code(v_code, starts_at, ends_at, NULL, reward);
		RETURN;
	END IF;
	-- this node's part of the limit, in as many counters as create_code makes
	v_shards := greatest(least(capacity, 32), 1);
	PERFORM promo_draw.create_code(v_code, starts_at, ends_at, v_shards, reward);
	UPDATE promo_draw.promo_code c SET max_redemptions = shard_put_code.max_redemptions
	WHERE c.code = v_code;
	UPDATE promo_draw.code_shard s
	SET capacity = shard_put_code.capacity / v_shards
	               + CASE WHEN s.shard < shard_put_code.capacity % v_shards THEN 1 ELSE 0 END
	WHERE s.code = v_code;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_code(text, timestamptz, timestamptz, bigint, jsonb, bigint) IS
	'create a promotion code on this node holding capacity places of its limit max_redemptions (the rest is on other nodes)';
