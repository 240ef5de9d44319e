CREATE FUNCTION promo_draw.create_draw(
	name text,
	closes_at timestamptz,
	draw_at timestamptz DEFAULT NULL,
	opens_at timestamptz DEFAULT now(),
	stake_per_ticket numeric DEFAULT NULL,
	max_wins_per_customer integer DEFAULT 1,
	partitions integer DEFAULT 0,
	requires_opt_in boolean DEFAULT false,
	milestones integer[] DEFAULT '{1,10}',
	min_stake numeric DEFAULT 0,
	max_tickets_per_customer bigint DEFAULT NULL,
	default_prize text DEFAULT NULL,
	lose_message text DEFAULT 'Better luck next time',
	eligibility regprocedure DEFAULT NULL,
	sealed boolean DEFAULT false,
	beacon_source text DEFAULT NULL,
	beacon_due_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM promo_draw_proxy.check_nodes();
	-- node 0 checks the arguments, takes the id and makes the secrets (seed
	-- and reference key); the other nodes get a copy (the secrets go from
	-- node to node through this function only)
	v_id := promo_draw_proxy.create_draw_on_0(create_draw.name, create_draw.closes_at,
		create_draw.draw_at, create_draw.opens_at, create_draw.stake_per_ticket,
		create_draw.max_wins_per_customer, create_draw.partitions, create_draw.requires_opt_in,
		create_draw.milestones, create_draw.min_stake, create_draw.max_tickets_per_customer,
		create_draw.default_prize, create_draw.lose_message, create_draw.eligibility::text,
		create_draw.sealed, create_draw.beacon_source, create_draw.beacon_due_at);
	PERFORM promo_draw_proxy.copy_draw(v_id);
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text,
	timestamptz) IS
	'create a prize draw on every node, with one secret seed and reference key, or sealed (beacon_due_at); returns its draw_id';
