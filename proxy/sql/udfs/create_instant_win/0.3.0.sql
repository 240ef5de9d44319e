CREATE FUNCTION promo_draw.create_instant_win(name text, starts_at timestamptz, ends_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM promo_draw_proxy.check_nodes();
	v_id := promo_draw_proxy.create_instant_win_on_0(name, starts_at, ends_at);
	PERFORM count(*) FROM promo_draw_proxy.put_instant_win_on_all(
		promo_draw_proxy.instant_win_definition_on_0(v_id));
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_instant_win(text, timestamptz, timestamptz) IS
	'create an instant win on every node; returns its id';
