CREATE FUNCTION promo_draw.set_beacon(draw_id bigint, value bytea, reference text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v_missing integer[];
	v_other integer;
	v_rows integer;
BEGIN
	SELECT count(*), array_agg(d.node ORDER BY d.node) FILTER (WHERE d.beacon IS NULL),
	       min(d.node) FILTER (WHERE d.beacon IS DISTINCT FROM set_beacon.value AND d.beacon IS NOT NULL)
	INTO v_rows, v_missing, v_other
	FROM promo_draw_proxy.draw_rows(set_beacon.draw_id) d;
	IF set_beacon.draw_id IS NULL OR set_beacon.value IS NULL OR v_rows < v_nodes
	   OR v_other IS NOT NULL OR v_missing IS NULL THEN
		-- node 0 (or the node holding another beacon) gives the error one node would
		PERFORM promo_draw_proxy.set_beacon_on(coalesce(v_other, 0), set_beacon.draw_id,
		                                       set_beacon.value, set_beacon.reference);
		RETURN;
	END IF;
	FOREACH v_other IN ARRAY v_missing LOOP
		PERFORM promo_draw_proxy.set_beacon_on(v_other, set_beacon.draw_id, set_beacon.value,
		                                       set_beacon.reference);
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.set_beacon(bigint, bytea, text) IS
	'give a sealed draw its beacon value on every node, once, after the seal; a node that missed it gets it again';
