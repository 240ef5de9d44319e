CREATE TABLE promo_draw.draw (
	draw_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	opens_at timestamptz NOT NULL,
	closes_at timestamptz NOT NULL,
	draw_at timestamptz NOT NULL,
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'drawn', 'cancelled')),
	partitions integer NOT NULL DEFAULT 0 CHECK (partitions BETWEEN 0 AND 1024),
	max_wins_per_customer integer NOT NULL DEFAULT 1
		CHECK (max_wins_per_customer BETWEEN 1 AND 1000),
	stake_per_ticket numeric CHECK (stake_per_ticket > 0 AND stake_per_ticket < 'Infinity'),
	min_stake numeric NOT NULL DEFAULT 0 CHECK (min_stake >= 0 AND min_stake < 'Infinity'),
	max_tickets_per_customer bigint CHECK (max_tickets_per_customer > 0),
	milestones integer[] NOT NULL DEFAULT '{1,10}',
	requires_opt_in boolean NOT NULL DEFAULT false,
	default_prize text,
	lose_message text NOT NULL DEFAULT 'Better luck next time',
	eligibility regprocedure,
	seed bytea NOT NULL CHECK (length(seed) = 32),
	seed_hash bytea NOT NULL CHECK (length(seed_hash) = 32),
	created_by regrole NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	ready_at timestamptz,
	drawn_at timestamptz,
	participants bigint,
	tickets_total numeric,
	cancelled_at timestamptz,
	cancel_reason text,
	CHECK (opens_at < closes_at),
	CHECK (draw_at >= closes_at),
	CHECK ((status = 'drawn') = (drawn_at IS NOT NULL)),
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX draw_open_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'open';
COMMENT ON TABLE promo_draw.draw IS
	'one row per prize draw; seed is readable by the extension owner only, and revealed in draw_reveal once drawn';
COMMENT ON COLUMN promo_draw.draw.seed IS
	'32 secret bytes from pg_strong_random(); every ticket is HMAC-SHA256(seed, draw || customer || n)';
COMMENT ON COLUMN promo_draw.draw.seed_hash IS 'sha256(seed), public from creation: the commitment to the seed';
COMMENT ON COLUMN promo_draw.draw.partitions IS
	'ingest partitions 0 .. partitions - 1 that must call close_partition before the draw is ready; 0 = none';
COMMENT ON COLUMN promo_draw.draw.ready_at IS
	'when the last ingest partition reported (draws with partitions > 0)';
COMMENT ON COLUMN promo_draw.draw.participants IS 'customers holding tickets in the draw, recorded when it was drawn';
COMMENT ON COLUMN promo_draw.draw.tickets_total IS 'tickets held in the draw, recorded when it was drawn';
COMMENT ON COLUMN promo_draw.draw.created_by IS 'the role that created the draw';
