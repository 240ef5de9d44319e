CREATE FUNCTION promo_draw.shard_put_instant_win(definition jsonb) RETURNS bigint
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO promo_draw.instant_win OVERRIDING SYSTEM VALUE
	SELECT * FROM jsonb_populate_record(NULL::promo_draw.instant_win, definition)
	ON CONFLICT DO NOTHING;
	SELECT (definition->>'instant_win_id')::bigint;
$$;
COMMENT ON FUNCTION promo_draw.shard_put_instant_win(jsonb) IS
	'copy an instant win made on node 0 to this node (its pool is split between the nodes); returns its id';
