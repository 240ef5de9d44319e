CREATE FUNCTION promo_draw_proxy.create_draw_on_0(name text, closes_at timestamptz,
	draw_at timestamptz, opens_at timestamptz, stake_per_ticket numeric,
	max_wins_per_customer integer, partitions integer, requires_opt_in boolean,
	milestones integer[], min_stake numeric, max_tickets_per_customer bigint,
	default_prize text, lose_message text, eligibility text, sealed boolean, beacon_source text,
	beacon_due_at timestamptz)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.create_draw(name, closes_at, draw_at, opens_at, stake_per_ticket,
		max_wins_per_customer, partitions, requires_opt_in, milestones, min_stake,
		max_tickets_per_customer, default_prize, lose_message, eligibility::regprocedure,
		sealed, beacon_source, beacon_due_at);
$$ LANGUAGE plproxy VOLATILE;
