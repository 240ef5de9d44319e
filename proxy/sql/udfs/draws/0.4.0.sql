/*
 * What verify_draw reads, from every node (src/sql/verify.sql).  A draw's
 * row is node 0's, with the counts of every node added up and status
 * drawn only once every node has published.
 */
CREATE FUNCTION promo_draw_proxy.draws(for_draw bigint) RETURNS SETOF promo_draw_proxy.draw_row
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH n AS (SELECT * FROM promo_draw_proxy.draw_rows(for_draw))
	SELECT z.node, z.draw_id, z.name, z.opens_at, z.closes_at, z.draw_at,
	       CASE WHEN a.drawn = a.nodes THEN 'drawn' WHEN a.cancelled > 0 THEN 'cancelled'
	            WHEN z.status = 'drawn' THEN CASE WHEN z.sealed THEN 'sealed' ELSE 'open' END
            ELSE z.status END,
	       z.partitions, z.max_wins_per_customer, z.stake_per_ticket, z.min_stake,
	       z.max_tickets_per_customer, z.milestones, z.requires_opt_in, z.default_prize,
	       z.lose_message, z.eligibility, z.eligibility_identity, z.seed_hash, z.created_by,
	       z.created_at, a.ready_at,
	       CASE WHEN a.drawn = a.nodes THEN a.drawn_at END,
	       CASE WHEN a.drawn = a.nodes THEN a.participants END,
	       CASE WHEN a.drawn = a.nodes THEN a.tickets_total END,
	       z.cancelled_at, z.cancel_reason, z.failed_runs, z.last_error, z.last_error_at,
	       z.sealed, z.beacon_source, z.entry_digest, z.sealed_at, z.beacon, z.beacon_reference, z.beacon_at,
	       z.beacon_due_at, a.seal_committed_at, z.prize_digest, z.digest_version
	FROM n z
	JOIN (SELECT n.draw_id, count(*) AS nodes, count(*) FILTER (WHERE n.status = 'drawn') AS drawn,
	             count(*) FILTER (WHERE n.status = 'cancelled') AS cancelled,
	             max(n.drawn_at) AS drawn_at, sum(n.participants)::bigint AS participants,
	             sum(n.tickets_total) AS tickets_total,
	             CASE WHEN bool_and(n.ready_at IS NOT NULL) THEN max(n.ready_at) END AS ready_at,
	             -- the seal committed when the last node's did
	             CASE WHEN bool_and(n.seal_committed_at IS NOT NULL) THEN max(n.seal_committed_at) END
	                 AS seal_committed_at
	      FROM n GROUP BY n.draw_id) a ON a.draw_id = z.draw_id
	WHERE z.node = 0
$$;
COMMENT ON FUNCTION promo_draw_proxy.draws(bigint) IS
	'draws as one node would show them: node 0''s row, counts added over the nodes (NULL: every draw)';
