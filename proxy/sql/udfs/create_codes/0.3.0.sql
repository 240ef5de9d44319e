CREATE FUNCTION promo_draw.create_codes(prefix text, n integer, starts_at timestamptz,
	ends_at timestamptz, reward jsonb DEFAULT '{}')
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v_codes text[];
BEGIN
	-- node 0 makes them and holds their one place each
	SELECT array_agg(c) INTO v_codes
	FROM promo_draw_proxy.create_codes_on_0(prefix, n, starts_at, ends_at, reward) c;
	FOR k IN 1 .. v_nodes - 1 LOOP
		PERFORM promo_draw_proxy.put_codes_on(k, v_codes, starts_at, ends_at, reward);
	END LOOP;
	RETURN QUERY SELECT unnest(v_codes);
END
$$;
COMMENT ON FUNCTION promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb) IS
	'create n single-use codes on every node (node 0 holds their places); returns them';
