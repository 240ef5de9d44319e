CREATE FUNCTION promo_draw.shuffle_instant_win(instant_win_id bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.instant_win%ROWTYPE;
	v_units bigint;
BEGIN
	IF shuffle_instant_win.instant_win_id IS NULL THEN
		RAISE EXCEPTION 'instant_win_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the row lock orders the shuffle with add_instant_prizes and other plays
	SELECT * INTO v FROM promo_draw.instant_win w
	WHERE w.instant_win_id = shuffle_instant_win.instant_win_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', shuffle_instant_win.instant_win_id
			USING ERRCODE = 'PD020';
	END IF;
	SELECT count(*) INTO v_units FROM promo_draw.instant_prize p
	WHERE p.instant_win_id = v.instant_win_id;
	IF v.shuffled_at IS NULL THEN
		UPDATE promo_draw.instant_prize p SET position = s.slot
		FROM promo_draw.random_permutation(v_units) s
		WHERE p.instant_win_id = v.instant_win_id AND p.unit = s.item;
		UPDATE promo_draw.instant_win w SET shuffled_at = now()
		WHERE w.instant_win_id = v.instant_win_id;
	END IF;
	RETURN v_units;
END
$$;
COMMENT ON FUNCTION promo_draw.shuffle_instant_win(bigint) IS
	'shuffle an instant win''s pool now (once; later calls change nothing) so that the first play need not; returns the units in the pool';
