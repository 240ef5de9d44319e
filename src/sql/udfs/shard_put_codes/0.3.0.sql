CREATE FUNCTION promo_draw.shard_put_codes(codes text[], starts_at timestamptz, ends_at timestamptz,
	reward jsonb)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_rows bigint;
BEGIN
	-- single-use codes made on node 0, which holds their one place
	WITH made AS (
		INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
		SELECT promo_draw.normalize_code(c), starts_at, ends_at, 1, reward, 1 FROM unnest(codes) c
		ON CONFLICT DO NOTHING
		RETURNING promo_code.code
	)
	INSERT INTO promo_draw.code_shard (code, shard, capacity)
	SELECT made.code, 0, 0 FROM made;
	GET DIAGNOSTICS v_rows = ROW_COUNT;
	RETURN v_rows;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_codes(text[], timestamptz, timestamptz, jsonb) IS
	'copy single-use codes made on node 0 to this node, with no place of their own: a redeemer here borrows it';
