CREATE FUNCTION promo_draw.shard_instant_win_definition(instant_win_id bigint) RETURNS jsonb
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT to_jsonb(w) FROM promo_draw.instant_win w
	WHERE w.instant_win_id = shard_instant_win_definition.instant_win_id
$$;
COMMENT ON FUNCTION promo_draw.shard_instant_win_definition(bigint) IS
	'an instant win''s row, for promo_draw_proxy to copy to the other nodes';
