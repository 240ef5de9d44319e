/*
 * Row types of what the shards return; the views in promo_draw of the
 * same names are unions over the nodes.
 */
CREATE TYPE promo_draw_proxy.draw_row AS (
	node integer, draw_id bigint, name text, opens_at timestamptz, closes_at timestamptz,
	draw_at timestamptz, status text, partitions integer, max_wins_per_customer integer,
	stake_per_ticket numeric, min_stake numeric, max_tickets_per_customer bigint,
	milestones integer[], requires_opt_in boolean, default_prize text, lose_message text,
	eligibility text, eligibility_identity text, seed_hash bytea, created_by text,
	created_at timestamptz, ready_at timestamptz, drawn_at timestamptz, participants bigint,
	tickets_total numeric, cancelled_at timestamptz, cancel_reason text, failed_runs integer,
	last_error text, last_error_at timestamptz, sealed boolean, beacon_source text,
	entry_digest bytea, sealed_at timestamptz, beacon bytea, beacon_reference text,
	beacon_at timestamptz, beacon_due_at timestamptz, seal_committed_at timestamptz,
	prize_digest bytea, digest_version smallint);
COMMENT ON TYPE promo_draw_proxy.draw_row IS 'a draw''s row on one node, without its seed';
