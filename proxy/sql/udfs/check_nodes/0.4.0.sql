-- every node must answer and be configured as the node it is in the cluster
CREATE FUNCTION promo_draw_proxy.check_nodes() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.nodes();
	v_ok integer;
BEGIN
	IF v_nodes = 0 THEN
		RAISE EXCEPTION 'the cluster promo_draw_shards has no nodes'
			USING ERRCODE = 'PD050',
			      HINT = 'CREATE SERVER promo_draw_shards FOREIGN DATA WRAPPER plproxy OPTIONS (p0 ''...'', p1 ''...''), then SELECT promo_draw_proxy.setup().';
	END IF;
	SELECT count(DISTINCT s.node) INTO v_ok FROM promo_draw_proxy.shard_node() s
	WHERE s.nodes = v_nodes;
	IF v_ok <> v_nodes THEN
		RAISE EXCEPTION 'the nodes of promo_draw_shards are not configured for % nodes', v_nodes
			USING ERRCODE = 'PD050',
			      HINT = 'SELECT promo_draw_proxy.setup() after creating or changing the server.';
	END IF;
	RETURN v_nodes;
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.check_nodes() IS
	'fail unless every node answers and knows its number; returns the number of nodes';
