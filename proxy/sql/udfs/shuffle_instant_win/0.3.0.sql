CREATE FUNCTION promo_draw.shuffle_instant_win(instant_win_id bigint) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT sum(u)::bigint FROM promo_draw_proxy.shuffle_instant_win_on_all(instant_win_id) u
$$;
COMMENT ON FUNCTION promo_draw.shuffle_instant_win(bigint) IS
	'shuffle every node''s part of an instant win''s pool now; returns the units in the pool';
