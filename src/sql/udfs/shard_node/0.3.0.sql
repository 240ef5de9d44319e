CREATE FUNCTION promo_draw.shard_node() RETURNS TABLE (node integer, nodes integer, version text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.node, s.nodes, e.extversion::text
	FROM pg_extension e LEFT JOIN promo_draw.shard_node s ON true
	WHERE e.extname = 'promo_draw'
$$;
COMMENT ON FUNCTION promo_draw.shard_node() IS
	'this database''s node number and node count (NULL when not configured) and promo_draw''s version';
