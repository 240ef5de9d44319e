-- draws to draw, and sealed draws ready to seal (to_seal: past closes_at,
-- or every partition closed while a seal did not reach every node), as
-- node 0 sees them
CREATE FUNCTION promo_draw_proxy.due_draws_on_0(OUT draw_id bigint, OUT to_seal boolean)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT d.draw_id, false AS to_seal FROM promo_draw.draw d
	WHERE d.draw_at <= clock_timestamp()
	  AND ((d.status = 'open' AND NOT d.sealed
	        AND CASE WHEN d.partitions > 0 THEN d.ready_at IS NOT NULL ELSE clock_timestamp() >= d.closes_at END)
	       OR (d.status = 'sealed' AND d.beacon IS NOT NULL))
	UNION ALL
	SELECT d.draw_id, true FROM promo_draw.draw d
	WHERE d.status = 'open' AND d.sealed
	  AND CASE WHEN d.partitions > 0 THEN d.ready_at IS NOT NULL ELSE clock_timestamp() >= d.closes_at END
	ORDER BY 2 DESC, 1;
$$ LANGUAGE plproxy VOLATILE;
