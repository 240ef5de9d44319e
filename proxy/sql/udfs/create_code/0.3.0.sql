CREATE FUNCTION promo_draw.create_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint DEFAULT NULL, reward jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
BEGIN
	-- node 0 first: it checks the arguments, and a code that exists
	FOR k IN 0 .. v_nodes - 1 LOOP
		PERFORM promo_draw_proxy.put_code_on(k, create_code.code, create_code.starts_at,
			create_code.ends_at, create_code.max_redemptions, create_code.reward,
			create_code.max_redemptions / v_nodes
			+ CASE WHEN k < create_code.max_redemptions % v_nodes THEN 1 ELSE 0 END);
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb) IS
	'create a promotion code on every node, its limit spread over the nodes';
