CREATE FUNCTION promo_draw.shard_configure(node integer, nodes integer) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_next bigint;
BEGIN
	IF nodes < 1 OR node NOT BETWEEN 0 AND nodes - 1 THEN
		RAISE EXCEPTION 'node must be between 0 and nodes - 1'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('node is %s and nodes is %s.', node, nodes);
	END IF;
	INSERT INTO promo_draw.shard_node AS s (node, nodes) VALUES (node, nodes)
	ON CONFLICT (one) DO UPDATE SET node = excluded.node, nodes = excluded.nodes,
		configured_at = now()
	WHERE (s.node, s.nodes) IS DISTINCT FROM (excluded.node, excluded.nodes);

	-- interleave the ids a node makes for its own customers, past every id
	-- it made so far: node k of n gives k + 1 + j * n
	SELECT (coalesce(max(b.bonus_id), 0) / nodes + 1) * nodes + node + 1 INTO v_next FROM promo_draw.bonus b;
	EXECUTE format('ALTER TABLE promo_draw.bonus ALTER COLUMN bonus_id SET INCREMENT BY %s RESTART WITH %s',
	               nodes, v_next);
	SELECT (coalesce(max(n.notification_id), 0) / nodes + 1) * nodes + node + 1 INTO v_next
	FROM promo_draw.notification n;
	EXECUTE format('ALTER TABLE promo_draw.outbox ALTER COLUMN notification_id SET INCREMENT BY %s RESTART WITH %s',
	               nodes, v_next);
	RETURN node;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_configure(integer, integer) IS
	'make this database node "node" of "nodes" of a sharded deployment (promo_draw_proxy calls it); returns the node';
