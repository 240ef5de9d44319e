CREATE FUNCTION promo_draw_proxy.setup() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.nodes();
BEGIN
	IF v_nodes = 0 OR (v_nodes & (v_nodes - 1)) <> 0 AND NOT EXISTS (
		SELECT FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
		WHERE s.srvname = 'promo_draw_shards' AND o.option_name = 'modular_mapping' AND o.option_value = '1') THEN
		RAISE EXCEPTION 'promo_draw_shards must have a power of two of nodes, or modular_mapping ''1'''
			USING ERRCODE = 'PD050', DETAIL = format('It has %s.', v_nodes);
	END IF;
	FOR k IN 0 .. v_nodes - 1 LOOP
		PERFORM promo_draw_proxy.configure_on(k, k, v_nodes);
	END LOOP;
	RETURN promo_draw_proxy.check_nodes();
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.setup() IS
	'tell every node of promo_draw_shards its number (before the first call; the nodes must be empty); returns the number of nodes';
