CREATE FUNCTION promo_draw.shard_put_instant_win(definition jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.instant_win%ROWTYPE := jsonb_populate_record(NULL::promo_draw.instant_win, definition);
BEGIN
	IF v.instant_win_id IS NULL THEN
		RAISE EXCEPTION 'an instant win definition needs its instant_win_id' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	BEGIN
		INSERT INTO promo_draw.instant_win OVERRIDING SYSTEM VALUE SELECT v.* ON CONFLICT DO NOTHING;
	EXCEPTION WHEN not_null_violation OR check_violation THEN
		RAISE EXCEPTION 'the definition of instant win % is incomplete or invalid', v.instant_win_id
			USING ERRCODE = 'invalid_parameter_value', DETAIL = SQLERRM,
			      HINT = 'Copy definitions with promo_draw_proxy, from shard_instant_win_definition on node 0.';
	END;
	RETURN v.instant_win_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_instant_win(jsonb) IS
	'copy an instant win made on node 0 to this node (its pool is split between the nodes); returns its id';
