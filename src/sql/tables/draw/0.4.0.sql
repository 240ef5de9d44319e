CREATE TABLE promo_draw.draw (
	draw_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	opens_at timestamptz NOT NULL,
	closes_at timestamptz NOT NULL,
	draw_at timestamptz NOT NULL,
	status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'sealed', 'drawn', 'cancelled')),
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
	eligibility_identity text,
	seed_hash bytea CHECK (length(seed_hash) = 32),
	created_by regrole NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	ready_at timestamptz,
	drawn_at timestamptz,
	participants bigint,
	tickets_total numeric,
	cancelled_at timestamptz,
	cancel_reason text,
	failed_runs integer NOT NULL DEFAULT 0,
	last_error text,
	last_error_at timestamptz,
	sealed boolean NOT NULL DEFAULT false,
	beacon_source text CHECK (length(beacon_source) BETWEEN 1 AND 1000),
	entry_digest bytea CHECK (length(entry_digest) = 32),
	sealed_at timestamptz,
	beacon bytea CHECK (length(beacon) BETWEEN 1 AND 1024),
	beacon_reference text,
	beacon_at timestamptz,
	beacon_due_at timestamptz,
	seal_committed_at timestamptz,
	prize_digest bytea CHECK (length(prize_digest) = 32),
	digest_version smallint CHECK (digest_version IN (1, 2)),
	purged_at timestamptz,
	record_digest bytea CHECK (length(record_digest) = 32),
	CHECK (opens_at < closes_at),
	CHECK (draw_at >= closes_at),
	CHECK ((status = 'drawn') = (drawn_at IS NOT NULL)),
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
	CONSTRAINT draw_kind_seed_check CHECK ((seed_hash IS NULL) = sealed),
	CONSTRAINT draw_kind_sealed_check CHECK (sealed OR (beacon_source IS NULL AND beacon IS NULL
		AND beacon_due_at IS NULL AND sealed_at IS NULL AND seal_committed_at IS NULL)),
	CONSTRAINT draw_seal_state_check CHECK (NOT sealed OR ((entry_digest IS NULL) = (sealed_at IS NULL)
		AND (status <> 'sealed' OR entry_digest IS NOT NULL))),
	CONSTRAINT draw_seeded_digest_check CHECK (sealed OR entry_digest IS NULL OR status = 'drawn'),
	CONSTRAINT draw_digest_kind_check CHECK ((entry_digest IS NULL) = (digest_version IS NULL)),
	CONSTRAINT draw_beacon_state_check CHECK ((beacon IS NULL) = (beacon_at IS NULL)
		AND (beacon IS NULL OR entry_digest IS NOT NULL)),
	CONSTRAINT draw_beacon_due_check CHECK (beacon_due_at > closes_at)
);
CREATE INDEX draw_open_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'open';
CREATE INDEX draw_sealed_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'sealed';
COMMENT ON TABLE promo_draw.draw IS
	'one row per prize draw; its secrets (seed, reference key) are in draw_secret, and the seed is revealed in draw_reveal once drawn';
COMMENT ON COLUMN promo_draw.draw.seed_hash IS 'sha256(seed), public from creation: the commitment to the seed; NULL for a sealed draw';
COMMENT ON COLUMN promo_draw.draw.partitions IS
	'ingest partitions 0 .. partitions - 1 that must call close_partition before the draw is ready; 0 = none';
COMMENT ON COLUMN promo_draw.draw.ready_at IS
	'when the last ingest partition reported (draws with partitions > 0)';
COMMENT ON COLUMN promo_draw.draw.participants IS 'customers holding tickets in the draw, recorded when it was drawn';
COMMENT ON COLUMN promo_draw.draw.tickets_total IS 'tickets held in the draw, recorded when it was drawn';
COMMENT ON COLUMN promo_draw.draw.created_by IS 'the role that created the draw';
COMMENT ON COLUMN promo_draw.draw.eligibility_identity IS
	'the eligibility function''s qualified name and arguments when the draw was created: a function dropped or replaced since is refused at draw time';
COMMENT ON COLUMN promo_draw.draw.failed_runs IS 'how many times run_due_draws() tried to draw it and failed';
COMMENT ON COLUMN promo_draw.draw.last_error IS 'the error of the last failed run_due_draws() attempt';
COMMENT ON COLUMN promo_draw.draw.last_error_at IS 'when the last run_due_draws() attempt failed';
COMMENT ON COLUMN promo_draw.draw.sealed IS
	'a sealed draw: no seed, only ticket counts; the order of its tickets comes from a public beacon published after the seal';
COMMENT ON COLUMN promo_draw.draw.beacon_source IS
	'the public randomness beacon a sealed draw will take its value from, named when the draw is created';
COMMENT ON COLUMN promo_draw.draw.entry_digest IS
	'sha256 of the entries, prizes and rules: a sealed draw''s when it is sealed, a seeded draw''s (from 0.4.0) when it is drawn (doc/record-format.md)';
COMMENT ON COLUMN promo_draw.draw.sealed_at IS 'when the sealed draw''s entries were frozen (the start of the sealing transaction)';
COMMENT ON COLUMN promo_draw.draw.beacon IS 'the beacon value given to set_beacon(); public';
COMMENT ON COLUMN promo_draw.draw.beacon_reference IS 'where the beacon value was published (a round, a URL)';
COMMENT ON COLUMN promo_draw.draw.beacon_at IS 'when set_beacon() took the beacon value';
COMMENT ON COLUMN promo_draw.draw.beacon_due_at IS
	'a sealed draw''s: when the beacon value that orders its tickets is published; the seal must commit before it';
COMMENT ON COLUMN promo_draw.draw.seal_committed_at IS
	'when the seal committed (the clock at its commit, which was refused at or after beacon_due_at)';
COMMENT ON COLUMN promo_draw.draw.prize_digest IS
	'sha256 of the rules and the prize table (payloads included), set when the draw became ready or, at the latest, when it ran';
COMMENT ON COLUMN promo_draw.draw.digest_version IS
	'the serialisation of entry_digest: 1 (sealed before 0.4.0, by customer id) or 2 (by entry reference)';
COMMENT ON COLUMN promo_draw.draw.purged_at IS
	'when purge_draws removed the draw''s entries, results and messages; its rules, prizes and digests stay';
COMMENT ON COLUMN promo_draw.draw.record_digest IS
	'sha256 of the draw''s public record (draw_record(draw_id)::text) as it was when purged: the archived record must give it';
