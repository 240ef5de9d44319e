CREATE FUNCTION promo_draw.shard_take_notifications(max_count integer)
	RETURNS SETOF promo_draw.notification
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	-- this node's share of max_count: together the nodes hand out at most max_count
	SELECT * FROM promo_draw.take_notifications(
		(SELECT max_count / s.nodes + CASE WHEN s.node < max_count % s.nodes THEN 1 ELSE 0 END
		 FROM promo_draw.shard_node s))
$$;
COMMENT ON FUNCTION promo_draw.shard_take_notifications(integer) IS
	'take_notifications for this node''s share of max_count messages';
