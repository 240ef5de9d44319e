
/*
 * Prize draws: tables.
 *
 * Hot tables (entry, partition_mark, result, outbox) have no foreign
 * keys: a foreign-key check would lock the draw row on every bet, which is
 * the hot row this design avoids; the functions keep them consistent.
 */

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
	seed bytea CHECK (length(seed) = 32),
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
	CHECK (opens_at < closes_at),
	CHECK (draw_at >= closes_at),
	CHECK ((status = 'drawn') = (drawn_at IS NOT NULL)),
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
	CONSTRAINT draw_kind_seed_check CHECK ((seed IS NULL) = sealed AND (seed_hash IS NULL) = sealed),
	CONSTRAINT draw_kind_sealed_check CHECK (sealed OR (beacon_source IS NULL AND entry_digest IS NULL AND beacon IS NULL)),
	CONSTRAINT draw_seal_state_check CHECK ((entry_digest IS NULL) = (sealed_at IS NULL)
		AND (status <> 'sealed' OR entry_digest IS NOT NULL)),
	CONSTRAINT draw_beacon_state_check CHECK ((beacon IS NULL) = (beacon_at IS NULL)
		AND (beacon IS NULL OR entry_digest IS NOT NULL))
);
CREATE INDEX draw_open_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'open';
CREATE INDEX draw_sealed_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'sealed';
COMMENT ON TABLE promo_draw.draw IS
	'one row per prize draw; seed is readable by the extension owner only, and revealed in draw_reveal once drawn';
COMMENT ON COLUMN promo_draw.draw.seed IS
	'32 secret bytes from pg_strong_random(); every ticket is HMAC-SHA256(seed, draw || customer || n); NULL for a sealed draw';
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
	'sha256 of the sealed entries, prizes and rules (README, "Sealed draws"), set when the draw is sealed';
COMMENT ON COLUMN promo_draw.draw.sealed_at IS 'when the sealed draw''s entries were frozen';
COMMENT ON COLUMN promo_draw.draw.beacon IS 'the beacon value given to set_beacon(); public';
COMMENT ON COLUMN promo_draw.draw.beacon_reference IS 'where the beacon value was published (a round, a URL)';
COMMENT ON COLUMN promo_draw.draw.beacon_at IS 'when set_beacon() took the beacon value';

CREATE TABLE promo_draw.prize (
	prize_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	draw_id bigint NOT NULL REFERENCES promo_draw.draw,
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	value numeric NOT NULL CHECK (value >= 0 AND value < 'Infinity'),
	quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000000),
	payload jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX prize_draw_id_idx ON promo_draw.prize (draw_id);
COMMENT ON TABLE promo_draw.prize IS
	'the prize table of a draw: prizes go out by value, most valuable first, each quantity times';

-- The entry's invariants (0 <= stake_tickets <= tickets, at most
-- max_wins_per_customer best tickets, none without tickets) are checked by
-- the C code before every write: a CHECK constraint here would be compiled
-- anew on every bet.
CREATE TABLE promo_draw.entry (
	draw_id bigint NOT NULL,
	customer_id bigint NOT NULL,
	tickets bigint NOT NULL DEFAULT 0,
	stake numeric NOT NULL DEFAULT 0,
	stake_tickets bigint NOT NULL DEFAULT 0,
	best uuid[] NOT NULL DEFAULT '{}',
	opted_in boolean NOT NULL DEFAULT false,
	PRIMARY KEY (draw_id, customer_id)
) WITH (fillfactor = 80);
COMMENT ON TABLE promo_draw.entry IS
	'one row per customer of a draw: ticket count and only the best tickets, so storage does not grow with tickets';
COMMENT ON COLUMN promo_draw.entry.best IS
	'the best max_wins_per_customer ticket values, best first; secret until the draw has run (see entry_reveal); empty in a sealed draw';
COMMENT ON COLUMN promo_draw.entry.stake_tickets IS 'tickets issued from stake (part of tickets)';

CREATE TABLE promo_draw.partition_mark (
	draw_id bigint NOT NULL,
	partition integer NOT NULL CHECK (partition >= 0),
	last_offset bigint,
	closed_at timestamptz,
	PRIMARY KEY (draw_id, partition)
);
COMMENT ON TABLE promo_draw.partition_mark IS
	'per draw and ingest partition: last source offset applied, and when the partition reported the draw time';

CREATE TABLE promo_draw.result (
	draw_id bigint NOT NULL,
	place bigint NOT NULL CHECK (place > 0),
	customer_id bigint NOT NULL,
	ticket uuid NOT NULL,
	prize_id bigint,
	outcome text NOT NULL CHECK (outcome IN ('won', 'default', 'lost', 'ineligible')),
	notification_id bigint,
	delivered_at timestamptz,
	CHECK ((outcome = 'won') = (prize_id IS NOT NULL)),
	PRIMARY KEY (draw_id, place)
);
-- No index by customer: a draw writes its results in place order, and a
-- second index in customer order would triple the cost of writing a large
-- draw (README, "Reporting").  Sites that look up single customers often can
-- add CREATE INDEX ON promo_draw.result (customer_id, draw_id).
COMMENT ON TABLE promo_draw.result IS
	'one row per winning ticket and one per customer who won nothing; place is the rank of the ticket in the draw';
COMMENT ON COLUMN promo_draw.result.notification_id IS
	'the id of the customer''s message about this result in promo_draw.notification (NULL for ineligible): the result is the message';
COMMENT ON COLUMN promo_draw.result.delivered_at IS
	'when take_notifications handed out the message about this result';

/*
 * Customer messages.  A draw's outcome messages (won, default, lost) are its
 * result rows: the draw writes each outcome once, and promo_draw.notification
 * shows them beside the outbox, which holds every other message (milestone,
 * instant_win, ...).  Both take their ids from the outbox's identity
 * sequence, so consumers read them in one id order.
 */
CREATE TABLE promo_draw.outbox (
	notification_id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	customer_id bigint NOT NULL,
	draw_id bigint,
	kind text NOT NULL,
	payload jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	delivered_at timestamptz
);
CREATE INDEX outbox_undelivered_idx ON promo_draw.outbox (notification_id)
	WHERE delivered_at IS NULL;
-- messages about a draw are written together, so BRIN finds them for next
-- to nothing per row
CREATE INDEX outbox_draw_idx ON promo_draw.outbox USING brin (draw_id)
	WITH (autosummarize = on);
COMMENT ON TABLE promo_draw.outbox IS
	'customer messages other than draw outcomes, in notification_id order; promo_draw.notification shows them with the draws'' outcome messages';

-- how far take_notifications has handed out a drawn draw's outcome
-- messages: every result before next_place was handed out.  The draw adds
-- the row; the last take removes it.
CREATE TABLE promo_draw.outcome_delivery (
	draw_id bigint PRIMARY KEY,
	next_place bigint NOT NULL DEFAULT 1
);
COMMENT ON TABLE promo_draw.outcome_delivery IS
	'per drawn draw whose outcome messages are not all handed out: the place take_notifications goes on from';

-- the payload of a draw's outcome message, from its result, draw and prize
CREATE FUNCTION promo_draw.outcome_payload(outcome text, place bigint, draw_name text,
	default_prize text, lose_message text, prize_name text, prize_id bigint,
	prize_value numeric, prize_payload jsonb)
	RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	-- no SET search_path, so that views and queries inline it: every name is
	-- qualified instead
	SELECT CASE
	       WHEN outcome OPERATOR(pg_catalog.=) 'won'
	       THEN pg_catalog.jsonb_build_object('draw', draw_name, 'prize', prize_name,
	            'prize_id', prize_id, 'value', prize_value, 'place', place, 'payload', prize_payload)
	       WHEN outcome OPERATOR(pg_catalog.=) 'default'
	       THEN pg_catalog.jsonb_build_object('draw', draw_name, 'prize', default_prize)
	       ELSE pg_catalog.jsonb_build_object('draw', draw_name, 'message', lose_message)
	       END
$$;
COMMENT ON FUNCTION promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb) IS
	'the payload of the message a draw gives a customer with this outcome';

-- Each branch of the union reads one table and gives plain columns, and a
-- result's payload and time are looked up outside it: so the planner
-- flattens the union, a query by draw_id reaches result through its
-- primary key, and whatever the plan of a query joined to the view, the
-- lookups run only for the rows it keeps.
CREATE VIEW promo_draw.notification AS
SELECT m.notification_id, m.customer_id, m.draw_id, m.kind,
       CASE WHEN m.place IS NULL THEN m.payload
            ELSE (SELECT promo_draw.outcome_payload(m.kind, m.place, d.name, d.default_prize,
                                                    d.lose_message, p.name, p.prize_id, p.value,
                                                    p.payload)
                  FROM promo_draw.draw d LEFT JOIN promo_draw.prize p ON p.prize_id = m.prize_id
                  WHERE d.draw_id = m.draw_id)
       END AS payload,
       CASE WHEN m.place IS NULL THEN m.created_at
            ELSE (SELECT d.drawn_at FROM promo_draw.draw d WHERE d.draw_id = m.draw_id)
       END AS created_at,
       m.delivered_at
FROM (
	SELECT o.notification_id, o.customer_id, o.draw_id, o.kind, o.payload, o.created_at,
	       o.delivered_at, NULL::bigint AS place, NULL::bigint AS prize_id
	FROM promo_draw.outbox o
	UNION ALL
	SELECT r.notification_id, r.customer_id, r.draw_id, r.outcome, NULL::jsonb, NULL::timestamptz,
	       r.delivered_at, r.place, r.prize_id
	FROM promo_draw.result r) m
-- results without a message (ineligible) are not messages
WHERE m.notification_id IS NOT NULL;
COMMENT ON VIEW promo_draw.notification IS
	'every customer message in notification_id order: the outbox and the draws'' outcome messages (their results); take_notifications() hands each out once';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.draw_draw_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.prize', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.prize_prize_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.entry', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.partition_mark', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.result', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.outbox', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.outbox_notification_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.outcome_delivery', '');
