CREATE FUNCTION promo_draw.shard_draw_state(draw_id bigint)
RETURNS TABLE (node integer, status text, staged_token uuid, staged bigint, results bigint,
	entries bigint)
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (SELECT s.node FROM promo_draw.shard_node s), d.status,
	       (SELECT min(r.token::text)::uuid FROM promo_draw.staged_result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.staged_result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.entry e WHERE e.draw_id = d.draw_id AND e.tickets > 0)
	FROM promo_draw.draw d WHERE d.draw_id = shard_draw_state.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_state(bigint) IS
	'where a sharded draw stands on this node: its status, staged results, published results and entries holding tickets';
