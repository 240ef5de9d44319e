CREATE FUNCTION promo_draw.shard_draw_results(draw_id bigint)
RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint, prize text, outcome text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.place, r.customer_id, r.ticket, r.prize_id,
	       CASE r.outcome WHEN 'won' THEN p.name WHEN 'default' THEN d.default_prize END, r.outcome
	FROM promo_draw.result r
	JOIN promo_draw.draw d ON d.draw_id = r.draw_id
	LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id
	WHERE r.draw_id = shard_draw_results.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_results(bigint) IS
	'the published results of a draw on this node, as run_draw returns them';
