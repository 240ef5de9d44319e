CREATE FUNCTION promo_draw_proxy.draw_rows(draw_id bigint) RETURNS SETOF promo_draw_proxy.draw_row AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT (SELECT s.node FROM promo_draw.shard_node s) AS node, d.draw_id, d.name, d.opens_at,
		d.closes_at, d.draw_at, d.status, d.partitions, d.max_wins_per_customer,
		d.stake_per_ticket, d.min_stake, d.max_tickets_per_customer, d.milestones,
		d.requires_opt_in, d.default_prize, d.lose_message, d.eligibility::text AS eligibility,
		d.eligibility_identity, d.seed_hash, d.created_by::text AS created_by, d.created_at,
		d.ready_at, d.drawn_at, d.participants, d.tickets_total, d.cancelled_at, d.cancel_reason,
		d.failed_runs, d.last_error, d.last_error_at, d.sealed, d.beacon_source, d.entry_digest,
		d.sealed_at, d.beacon, d.beacon_reference, d.beacon_at, d.beacon_due_at,
		d.seal_committed_at, d.prize_digest, d.digest_version
	FROM promo_draw.draw d WHERE draw_id IS NULL OR d.draw_id = draw_id;
$$ LANGUAGE plproxy VOLATILE;
