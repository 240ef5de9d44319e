-- promo_draw 0.2.0 -> 0.3.0: reliability fixes, one home for each rule, and
-- faster hot paths.
--
--   - a draw records its eligibility function's identity, and refuses at
--     draw time a function dropped or replaced since (PD009); create_draw
--     refuses an OID that names no function;
--   - add_prize is refused once the draw is ready (PD004);
--   - run_due_draws records a draw it failed to draw on the draw's row
--     (failed_runs, last_error, last_error_at), shown by draw_summary;
--   - code_report and redemption_report: promotion codes for reporting
--     roles, single-use codes without their random part;
--   - award_tickets for a batch of customers;
--   - bonus_bet, bonus_win and forfeit_bonus are in C: the PL/pgSQL
--     helpers settle_bonus and bonus_not_active go;
--   - amounts are checked by one function (check_amount) and the
--     stake-to-ticket rule lives in one (stake_to_next_ticket), both shared
--     with the C code;
--   - sealed draws: create_draw(..., sealed, beacon_source), seal_draw,
--     set_beacon, draw_among, new draw columns and status 'sealed', and
--     verify_draw for them.  create_draw gains two parameters, so it is
--     dropped and created again: GRANTs on it must be given again (README,
--     "Roles");
--   - the shard side of a sharded deployment (promo_draw_proxy): the
--     shard_* functions and tables, run_draw and run_due_draws refused on
--     a shard (PD050), and a code's counter may hold no room (capacity 0)
--     while its node has lent it to another.
--
-- Functions and views are changed in place with CREATE OR REPLACE, so
-- nothing that depends on them is dropped; PostgreSQL lets an extension
-- script replace only objects that already belong to the extension.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.3.0'" to load this file. \quit

-- A draw writes each outcome once: its result rows are its customers'
-- messages.  The table notification becomes promo_draw.outbox, for every
-- other message, and notification a view of both.  take_notifications
-- returns the view's rows, so it is dropped and created again: GRANTs on
-- it, and on notification, must be given again (README, "Upgrading").
-- Messages draws wrote before the update stay in the outbox.
ALTER TABLE promo_draw.notification RENAME TO outbox;
ALTER SEQUENCE promo_draw.notification_notification_id_seq RENAME TO outbox_notification_id_seq;
ALTER INDEX promo_draw.notification_pkey RENAME TO outbox_pkey;
ALTER INDEX promo_draw.notification_undelivered_idx RENAME TO outbox_undelivered_idx;
ALTER INDEX promo_draw.notification_draw_idx RENAME TO outbox_draw_idx;
COMMENT ON TABLE promo_draw.outbox IS
	'customer messages other than draw outcomes, in notification_id order; promo_draw.notification shows them with the draws'' outcome messages';

ALTER TABLE promo_draw.result
	ADD COLUMN notification_id bigint,
	ADD COLUMN delivered_at timestamptz;
COMMENT ON COLUMN promo_draw.result.notification_id IS
	'the id of the customer''s message about this result in promo_draw.notification (NULL for ineligible): the result is the message';
COMMENT ON COLUMN promo_draw.result.delivered_at IS
	'when take_notifications handed out the message about this result';

-- how far take_notifications has handed out a drawn draw's outcome
-- messages: every result before next_place was handed out.  The draw adds
-- the row; the last take removes it.
CREATE TABLE promo_draw.outcome_delivery (
	draw_id bigint PRIMARY KEY,
	next_place bigint NOT NULL DEFAULT 1
);
COMMENT ON TABLE promo_draw.outcome_delivery IS
	'per drawn draw whose outcome messages are not all handed out: the place take_notifications goes on from';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.outcome_delivery', '');

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

DROP FUNCTION promo_draw.take_notifications(integer);
/*
 * take_notifications: the next undelivered messages, in notification_id
 * order, from the outbox and from the drawn draws' results.  Outbox rows
 * and results are locked one by one (SKIP LOCKED), so consumers taking at
 * once share a draw's messages and never get the same one.  A draw's
 * outcome_delivery row says from which place its undelivered messages may
 * start; it only ever moves up to the first message not handed out, and a
 * consumer moves it only when no other holds it.
 */
CREATE FUNCTION promo_draw.take_notifications(max_count integer DEFAULT 100)
	RETURNS SETOF promo_draw.notification
	LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY
	WITH outbox_next AS (
		SELECT o.notification_id FROM promo_draw.outbox o
		WHERE o.delivered_at IS NULL
		ORDER BY o.notification_id
		LIMIT max_count
		FOR UPDATE SKIP LOCKED
	), draw_next AS (
		SELECT r.notification_id, r.draw_id, r.place
		FROM promo_draw.outcome_delivery od, LATERAL (
			SELECT r.notification_id, r.draw_id, r.place FROM promo_draw.result r
			WHERE r.draw_id = od.draw_id AND r.place >= od.next_place
			  AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL
			ORDER BY r.place
			LIMIT max_count
			FOR UPDATE SKIP LOCKED) r
	), picked AS (
		SELECT x.notification_id, x.draw_id, x.place
		FROM (SELECT o.notification_id, NULL::bigint AS draw_id, NULL::bigint AS place
		      FROM outbox_next o
		      UNION ALL
		      SELECT * FROM draw_next) x
		ORDER BY x.notification_id
		LIMIT max_count
	), from_outbox AS (
		UPDATE promo_draw.outbox o SET delivered_at = now()
		FROM picked p
		WHERE p.place IS NULL AND o.notification_id = p.notification_id
		RETURNING o.*
	), from_results AS (
		UPDATE promo_draw.result r SET delivered_at = now()
		FROM picked p
		WHERE p.place IS NOT NULL AND r.draw_id = p.draw_id AND r.place = p.place
		RETURNING r.*
	)
	SELECT n.* FROM (
		SELECT o.notification_id, o.customer_id, o.draw_id, o.kind, o.payload, o.created_at,
		       o.delivered_at
		FROM from_outbox o
		UNION ALL
		SELECT r.notification_id, r.customer_id, r.draw_id, r.outcome,
		       promo_draw.outcome_payload(r.outcome, r.place, d.name, d.default_prize,
		                                  d.lose_message, p.name, p.prize_id, p.value, p.payload),
		       d.drawn_at, r.delivered_at
		FROM from_results r
		JOIN promo_draw.draw d ON d.draw_id = r.draw_id
		LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id) n
	ORDER BY n.notification_id;

	-- Move the rows of the draws no other consumer holds now (the others'
	-- stay where they are), up to the first message still undelivered as
	-- this transaction sees it, which counts what other consumers hold and
	-- have not committed; a draw with none left needs no row any more.
	WITH mark AS (
		SELECT l.draw_id,
		       (SELECT min(r.place) FROM promo_draw.result r
		        WHERE r.draw_id = l.draw_id AND r.place >= l.next_place
		          AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL) AS next_place
		FROM promo_draw.outcome_delivery l
		-- only the draws whose place no longer holds a waiting message
		WHERE NOT EXISTS (SELECT FROM promo_draw.result r
		                  WHERE r.draw_id = l.draw_id AND r.place = l.next_place
		                    AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL)
		FOR UPDATE SKIP LOCKED
	), done AS (
		DELETE FROM promo_draw.outcome_delivery od USING mark m
		WHERE od.draw_id = m.draw_id AND m.next_place IS NULL
	)
	UPDATE promo_draw.outcome_delivery od SET next_place = m.next_place
	FROM mark m
	WHERE od.draw_id = m.draw_id AND m.next_place > od.next_place;
END
$$;
COMMENT ON FUNCTION promo_draw.take_notifications(integer) IS
	'hand out up to max_count undelivered customer messages in notification_id order and mark them delivered; concurrent consumers never get the same one';

/*
 * DELETE on promo_draw.notification removes outbox rows.  A draw's outcome
 * messages are its result rows: they stay with the draw, and DELETE passes
 * them by (they are not counted as deleted).
 */
CREATE FUNCTION promo_draw.notification_delete()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	DELETE FROM promo_draw.outbox o WHERE o.notification_id = OLD.notification_id;
	IF FOUND THEN
		RETURN OLD;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION promo_draw.notification_delete() IS
	'DELETE on promo_draw.notification: deletes outbox messages; draw outcome messages stay with their results';
CREATE TRIGGER notification_delete INSTEAD OF DELETE ON promo_draw.notification
	FOR EACH ROW EXECUTE FUNCTION promo_draw.notification_delete();

-- INSERT on promo_draw.notification adds a message to the outbox
CREATE FUNCTION promo_draw.notification_insert()
	RETURNS trigger
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO promo_draw.outbox AS o (notification_id, customer_id, draw_id, kind, payload,
	                                    created_at, delivered_at)
	VALUES (coalesce(NEW.notification_id,
	                 nextval(pg_get_serial_sequence('promo_draw.outbox', 'notification_id'))),
	        NEW.customer_id, NEW.draw_id, NEW.kind, coalesce(NEW.payload, '{}'),
	        coalesce(NEW.created_at, now()), NEW.delivered_at)
	RETURNING o.* INTO NEW;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION promo_draw.notification_insert() IS
	'INSERT on promo_draw.notification: adds the message to the outbox';
CREATE TRIGGER notification_insert INSTEAD OF INSERT ON promo_draw.notification
	FOR EACH ROW EXECUTE FUNCTION promo_draw.notification_insert();

REVOKE EXECUTE ON FUNCTION promo_draw.take_notifications(integer),
	promo_draw.notification_delete(), promo_draw.notification_insert() FROM PUBLIC;
-- the view's callers call it
REVOKE EXECUTE ON FUNCTION
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb) TO PUBLIC;

-- instant wins write their messages into the outbox
CREATE OR REPLACE FUNCTION promo_draw.instant_win(instant_win_id bigint, customer_id bigint)
RETURNS TABLE (prize text, outcome text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
	v_id bigint := instant_win.instant_win_id;
	v_customer bigint := instant_win.customer_id;
	v promo_draw.instant_win%ROWTYPE;
	v_played promo_draw.instant_play%ROWTYPE;
	v_unit bigint;
	v_prize text;
	v_outcome text;
	v_open bigint;
	v_tid tid;
BEGIN
	IF v_id IS NULL OR v_customer IS NULL THEN
		RAISE EXCEPTION 'instant_win_id and customer_id must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO v FROM promo_draw.instant_win w WHERE w.instant_win_id = v_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', v_id USING ERRCODE = 'PD020';
	ELSIF now() < v.starts_at THEN
		RAISE EXCEPTION 'instant win % has not started', v_id
			USING ERRCODE = 'PD021', DETAIL = format('It opens at %s.', v.starts_at);
	ELSIF now() >= v.ends_at THEN
		RAISE EXCEPTION 'instant win % has ended', v_id
			USING ERRCODE = 'PD022', DETAIL = format('It closed at %s.', v.ends_at);
	END IF;

	-- once per customer: the play's key decides, even between concurrent plays
	INSERT INTO promo_draw.instant_play (instant_win_id, customer_id, outcome)
	VALUES (v_id, v_customer, 'exhausted')
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		SELECT * INTO v_played FROM promo_draw.instant_play p
		WHERE p.instant_win_id = v_id AND p.customer_id = v_customer;
		RAISE EXCEPTION 'customer % has already played instant win %', v_customer, v_id
			USING ERRCODE = 'PD023',
			      DETAIL = format('They played at %s: %s.', v_played.played_at, v_played.outcome);
	END IF;

	-- the pool is shuffled once, before the first unit is handed out
	IF v.shuffled_at IS NULL THEN
		PERFORM promo_draw.shuffle_instant_win(v_id);
	END IF;

	-- the next unit no other player holds: players pass over units claimed
	-- by plays in flight, and wait only when every unit left is held
	LOOP
		SELECT count(*), promo_draw.claim_row('promo_draw.instant_prize',
		           array_agg(c.ctid ORDER BY c.position))
		INTO v_open, v_tid
		FROM (SELECT p.ctid, p.position FROM promo_draw.instant_prize p
		      WHERE p.instant_win_id = v_id AND p.customer_id IS NULL
		      ORDER BY p.position LIMIT 32) c;
		IF v_open = 0 THEN
			RETURN QUERY SELECT NULL::text, 'exhausted'::text;
			RETURN;
		END IF;
		-- NULL: every unit read was claimed meanwhile; read them again
		IF v_tid IS NOT NULL THEN
			UPDATE promo_draw.instant_prize p SET customer_id = v_customer, claimed_at = now()
			WHERE p.ctid = v_tid AND p.instant_win_id = v_id AND p.customer_id IS NULL
			RETURNING p.unit, p.prize INTO v_unit, v_prize;
			EXIT WHEN FOUND;
		END IF;
	END LOOP;

	v_outcome := CASE WHEN v_prize IS NULL THEN 'lost' ELSE 'won' END;
	UPDATE promo_draw.instant_play p SET unit = v_unit, prize = v_prize, outcome = v_outcome
	WHERE p.instant_win_id = v_id AND p.customer_id = v_customer;
	IF v_outcome = 'won' THEN
		INSERT INTO promo_draw.outbox (customer_id, kind, payload)
		VALUES (v_customer, 'instant_win',
		        jsonb_build_object('instant_win_id', v_id, 'instant_win', v.name, 'prize', v_prize));
	END IF;
	RETURN QUERY SELECT v_prize, v_outcome;
END
$$;
COMMENT ON FUNCTION promo_draw.instant_win(bigint, bigint) IS
	'play an instant win once: claims the next unit of the shuffled pool; (prize, ''won''), (NULL, ''lost'') or (NULL, ''exhausted'')';


ALTER TABLE promo_draw.draw
	ADD COLUMN eligibility_identity text,
	ADD COLUMN failed_runs integer NOT NULL DEFAULT 0,
	ADD COLUMN last_error text,
	ADD COLUMN last_error_at timestamptz,
	ADD COLUMN sealed boolean NOT NULL DEFAULT false,
	ADD COLUMN beacon_source text CHECK (length(beacon_source) BETWEEN 1 AND 1000),
	ADD COLUMN entry_digest bytea CHECK (length(entry_digest) = 32),
	ADD COLUMN sealed_at timestamptz,
	ADD COLUMN beacon bytea CHECK (length(beacon) BETWEEN 1 AND 1024),
	ADD COLUMN beacon_reference text,
	ADD COLUMN beacon_at timestamptz,
	ALTER COLUMN seed DROP NOT NULL,
	ALTER COLUMN seed_hash DROP NOT NULL,
	DROP CONSTRAINT draw_status_check,
	ADD CONSTRAINT draw_status_check CHECK (status IN ('open', 'sealed', 'drawn', 'cancelled')),
	ADD CONSTRAINT draw_kind_seed_check CHECK ((seed IS NULL) = sealed AND (seed_hash IS NULL) = sealed),
	ADD CONSTRAINT draw_kind_sealed_check CHECK (sealed OR (beacon_source IS NULL AND entry_digest IS NULL AND beacon IS NULL)),
	ADD CONSTRAINT draw_seal_state_check CHECK ((entry_digest IS NULL) = (sealed_at IS NULL)
		AND (status <> 'sealed' OR entry_digest IS NOT NULL)),
	ADD CONSTRAINT draw_beacon_state_check CHECK ((beacon IS NULL) = (beacon_at IS NULL)
		AND (beacon IS NULL OR entry_digest IS NOT NULL));
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
COMMENT ON COLUMN promo_draw.draw.seed IS
	'32 secret bytes from pg_strong_random(); every ticket is HMAC-SHA256(seed, draw || customer || n); NULL for a sealed draw';
COMMENT ON COLUMN promo_draw.draw.seed_hash IS 'sha256(seed), public from creation: the commitment to the seed; NULL for a sealed draw';
COMMENT ON COLUMN promo_draw.entry.best IS
	'the best max_wins_per_customer ticket values, best first; secret until the draw has run (see entry_reveal); empty in a sealed draw';
CREATE INDEX draw_sealed_draw_at_idx ON promo_draw.draw (draw_at) WHERE status = 'sealed';

-- draws created before the update name the function their OID has now
UPDATE promo_draw.draw
SET eligibility_identity = (pg_catalog.pg_identify_object('pg_catalog.pg_proc'::pg_catalog.regclass,
                                                         eligibility, 0)).identity
WHERE eligibility IS NOT NULL;

/*
 * Money: the one check of an amount and the one stake-to-ticket rule,
 * shared with the C code (src/money.c) so that every part of promo_draw
 * refuses the same amounts with the same words.
 */
CREATE FUNCTION promo_draw.check_amount(amount numeric, name text, positive boolean)
	RETURNS numeric
	AS 'MODULE_PATHNAME', 'check_amount'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.check_amount(numeric, text, boolean) IS
	'internal: the amount, or 22023 unless it is finite and not negative (with positive, above 0); name is the amount''s name in the message';

CREATE FUNCTION promo_draw.stake_to_next_ticket(stake numeric, stake_per_ticket numeric)
	RETURNS numeric
	AS 'MODULE_PATHNAME', 'stake_to_next_ticket'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.stake_to_next_ticket(numeric, numeric) IS
	'internal: the stake still needed for the next ticket under the stake-to-ticket rule, floor(stake / stake_per_ticket)';

REVOKE EXECUTE ON FUNCTION promo_draw.check_amount(numeric, text, boolean),
	promo_draw.stake_to_next_ticket(numeric, numeric) FROM PUBLIC;

DROP FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure);
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
	beacon_source text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_caller regrole := promo_draw.calling_role();
	v_draw_id bigint;
	v_milestones integer[];
	v_signature_ok boolean;
	v_identity text;
BEGIN
	IF create_draw.name IS NULL OR create_draw.closes_at IS NULL OR create_draw.opens_at IS NULL
	   OR create_draw.max_wins_per_customer IS NULL OR create_draw.partitions IS NULL
	   OR create_draw.requires_opt_in IS NULL OR create_draw.milestones IS NULL
	   OR create_draw.min_stake IS NULL OR create_draw.lose_message IS NULL
	   OR create_draw.sealed IS NULL THEN
		RAISE EXCEPTION 'only draw_at, stake_per_ticket, max_tickets_per_customer, default_prize, eligibility and beacon_source may be null'
			USING ERRCODE = 'null_value_not_allowed',
			      DETAIL = 'NULL means "none" for those; every other setting needs a value.';
	END IF;
	IF length(create_draw.name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a draw name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF create_draw.opens_at >= create_draw.closes_at THEN
		RAISE EXCEPTION 'a draw must open before it closes'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('opens_at is %s and closes_at is %s.', create_draw.opens_at, create_draw.closes_at);
	END IF;
	IF create_draw.draw_at < create_draw.closes_at THEN
		RAISE EXCEPTION 'a draw cannot run before it closes'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('draw_at is %s and closes_at is %s.', create_draw.draw_at, create_draw.closes_at);
	END IF;
	PERFORM promo_draw.check_amount(create_draw.stake_per_ticket, 'stake_per_ticket', true),
	        promo_draw.check_amount(create_draw.min_stake, 'min_stake', false);
	IF create_draw.max_wins_per_customer NOT BETWEEN 1 AND 1000 THEN
		RAISE EXCEPTION 'max_wins_per_customer must be between 1 and 1000'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF create_draw.partitions NOT BETWEEN 0 AND 1024 THEN
		RAISE EXCEPTION 'partitions must be between 0 and 1024'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF create_draw.max_tickets_per_customer < 1 THEN
		RAISE EXCEPTION 'max_tickets_per_customer must be at least 1'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Leave it NULL for no cap.';
	END IF;
	IF array_position(create_draw.milestones, NULL) IS NOT NULL
	   OR EXISTS (SELECT FROM unnest(create_draw.milestones) m WHERE m < 1) THEN
		RAISE EXCEPTION 'milestones must be ticket counts of 1 or more'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The milestones given were %s.', create_draw.milestones);
	END IF;
	IF create_draw.sealed AND create_draw.beacon_source IS NULL THEN
		RAISE EXCEPTION 'a sealed draw must name its beacon_source'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The public beacon whose value will order the tickets is named in advance, so that nobody can choose among values afterwards.',
			      HINT = 'For example beacon_source => ''drand quicknet, first round after the seal''.';
	ELSIF NOT create_draw.sealed AND create_draw.beacon_source IS NOT NULL THEN
		RAISE EXCEPTION 'only a sealed draw takes a beacon_source'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Pass sealed => true as well, or leave beacon_source out.';
	ELSIF length(create_draw.beacon_source) NOT BETWEEN 1 AND 1000 THEN
		RAISE EXCEPTION 'a beacon_source must be 1 to 1000 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT coalesce(array_agg(DISTINCT m ORDER BY m), '{}') INTO v_milestones
	FROM unnest(create_draw.milestones) m;

	IF create_draw.eligibility IS NOT NULL THEN
		SELECT p.pronargs = 1 AND p.proargtypes[0] = 'bigint'::regtype
		       AND p.prorettype = 'boolean'::regtype AND NOT p.proretset AND p.prokind = 'f',
		       (pg_identify_object('pg_proc'::regclass, p.oid, 0)).identity
		INTO v_signature_ok, v_identity
		FROM pg_proc p WHERE p.oid = create_draw.eligibility;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'eligibility function % does not exist', create_draw.eligibility::oid
				USING ERRCODE = 'PD009',
				      DETAIL = 'No function has that OID.',
				      HINT = 'Name the function with its arguments, for example ''my_schema.eligible(bigint)''::regprocedure.';
		END IF;
		IF NOT v_signature_ok THEN
			RAISE EXCEPTION 'eligibility must be a function taking a bigint and returning a boolean'
				USING ERRCODE = 'invalid_parameter_value',
				      DETAIL = format('%s does not.', create_draw.eligibility);
		END IF;
		IF NOT has_function_privilege(v_caller, create_draw.eligibility, 'EXECUTE') THEN
			RAISE EXCEPTION 'permission denied for function %', create_draw.eligibility
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Role %s may not execute the eligibility function it named.', v_caller);
		END IF;
	END IF;

	-- the seed goes straight from pg_strong_random() into the row; a sealed
	-- draw has none
	INSERT INTO promo_draw.draw (name, opens_at, closes_at, draw_at, partitions,
		max_wins_per_customer, stake_per_ticket, min_stake, max_tickets_per_customer,
		milestones, requires_opt_in, default_prize, lose_message, eligibility,
		eligibility_identity, seed, seed_hash, created_by, sealed, beacon_source)
	SELECT create_draw.name, create_draw.opens_at, create_draw.closes_at,
		coalesce(create_draw.draw_at, create_draw.closes_at), create_draw.partitions,
		create_draw.max_wins_per_customer, create_draw.stake_per_ticket, create_draw.min_stake,
		create_draw.max_tickets_per_customer, v_milestones, create_draw.requires_opt_in,
		create_draw.default_prize, create_draw.lose_message, create_draw.eligibility,
		v_identity, s.seed, sha256(s.seed), v_caller, create_draw.sealed, create_draw.beacon_source
	FROM (SELECT CASE WHEN NOT create_draw.sealed THEN promo_draw.new_seed() END) AS s(seed)
	RETURNING draw.draw_id INTO v_draw_id;

	INSERT INTO promo_draw.partition_mark (draw_id, partition)
	SELECT v_draw_id, p FROM generate_series(0, create_draw.partitions - 1) p;

	RETURN v_draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text) IS
	'create a prize draw, with a fresh secret seed or sealed (ordered by a public beacon after the seal); returns its draw_id';
REVOKE EXECUTE ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION promo_draw.add_prize(draw_id bigint, name text, value numeric,
	quantity integer DEFAULT 1, payload jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE;
	v_prize_id bigint;
BEGIN
	IF add_prize.draw_id IS NULL OR add_prize.name IS NULL OR add_prize.value IS NULL
	   OR add_prize.quantity IS NULL OR add_prize.payload IS NULL THEN
		RAISE EXCEPTION 'add_prize arguments must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the row lock orders this with run_draw, which reads the prizes, and
	-- with close_partition, which makes the draw ready
	SELECT * INTO v FROM promo_draw.draw d
	WHERE d.draw_id = add_prize.draw_id FOR SHARE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', add_prize.draw_id USING ERRCODE = 'PD001';
	ELSIF v.status = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn', add_prize.draw_id
			USING ERRCODE = 'PD003',
			      HINT = 'Its prize table cannot change any more.';
	ELSIF v.status = 'cancelled' THEN
		RAISE EXCEPTION 'draw % was cancelled', add_prize.draw_id USING ERRCODE = 'PD005';
	ELSIF v.status = 'sealed' THEN
		RAISE EXCEPTION 'draw % is sealed', add_prize.draw_id
			USING ERRCODE = 'PD040',
			      DETAIL = format('Its entries, prizes and rules were frozen at %s in digest %s.',
			                      v.sealed_at, encode(v.entry_digest, 'hex')),
			      HINT = 'Add prizes before the draw is sealed.';
	ELSIF v.partitions > 0 AND v.ready_at IS NOT NULL THEN
		RAISE EXCEPTION 'draw % is closed', add_prize.draw_id
			USING ERRCODE = 'PD004',
			      DETAIL = 'Every ingest partition has reported, so its prize table is final.',
			      HINT = 'Add prizes before the draw is ready.';
	ELSIF v.partitions = 0 AND clock_timestamp() >= v.closes_at THEN
		RAISE EXCEPTION 'draw % is closed', add_prize.draw_id
			USING ERRCODE = 'PD004',
			      DETAIL = format('It closed at %s, so its prize table is final.', v.closes_at),
			      HINT = 'Add prizes before the draw is ready.';
	END IF;
	IF length(add_prize.name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a prize name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM promo_draw.check_amount(add_prize.value, 'value', false);
	IF add_prize.quantity NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'quantity must be between 1 and 10000000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The quantity given was %s.', add_prize.quantity);
	END IF;
	INSERT INTO promo_draw.prize (draw_id, name, value, quantity, payload)
	VALUES (add_prize.draw_id, add_prize.name, add_prize.value, add_prize.quantity, add_prize.payload)
	RETURNING prize.prize_id INTO v_prize_id;
	RETURN v_prize_id;
END
$$;
COMMENT ON FUNCTION promo_draw.add_prize(bigint, text, numeric, integer, jsonb) IS
	'add a prize (quantity units of it) to a draw that is not ready yet; returns its prize_id';

CREATE FUNCTION promo_draw.seal_draw(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'seal_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.seal_draw(bigint) IS
	'seal a sealed draw whose ingest is over (run_due_draws and the last close_partition do it too); returns its entry digest';

CREATE FUNCTION promo_draw.set_beacon(draw_id bigint, value bytea, reference text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE;
BEGIN
	IF set_beacon.draw_id IS NULL OR set_beacon.value IS NULL THEN
		RAISE EXCEPTION 'draw_id and value must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(set_beacon.value) NOT BETWEEN 1 AND 1024 THEN
		RAISE EXCEPTION 'a beacon value must be 1 to 1024 bytes long'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The value given is %s bytes long.', length(set_beacon.value));
	END IF;
	-- the row lock orders this with run_draw and cancel_draw
	SELECT * INTO v FROM promo_draw.draw d
	WHERE d.draw_id = set_beacon.draw_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', set_beacon.draw_id USING ERRCODE = 'PD001';
	ELSIF NOT v.sealed THEN
		RAISE EXCEPTION 'draw % is not a sealed draw', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'Its tickets are ordered by its own secret seed, committed to by seed_hash.';
	ELSIF v.beacon IS NOT NULL THEN
		RAISE EXCEPTION 'draw % already has its beacon', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = format('It was set at %s (%s); a beacon is taken once.',
			                      v.beacon_at, coalesce(v.beacon_reference, 'no reference given'));
	ELSIF v.status = 'cancelled' THEN
		RAISE EXCEPTION 'draw % was cancelled', set_beacon.draw_id USING ERRCODE = 'PD005';
	ELSIF v.status <> 'sealed' THEN
		RAISE EXCEPTION 'draw % is not sealed yet', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'A beacon value must be published after the entries are sealed, and this draw still takes entries.',
			      HINT = 'Wait for the seal (its NOTIFY, or draw.sealed_at), publish the digest, then take the next beacon value.';
	ELSIF v.sealed_at >= now() THEN
		RAISE EXCEPTION 'draw % was sealed in this transaction', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'Its digest is not published until the seal commits, so no beacon value can come after it yet.',
			      HINT = 'Commit the seal, publish the digest, then take the next beacon value.';
	END IF;
	UPDATE promo_draw.draw d
	SET beacon = set_beacon.value, beacon_reference = set_beacon.reference,
	    beacon_at = clock_timestamp()
	WHERE d.draw_id = set_beacon.draw_id;
	PERFORM pg_notify('promo_draw',
		json_build_object('draw_id', set_beacon.draw_id, 'status', 'beacon')::text);
END
$$;
COMMENT ON FUNCTION promo_draw.set_beacon(bigint, bytea, text) IS
	'give a sealed draw the public beacon value published after its seal, once; the draw can then run';

CREATE FUNCTION promo_draw.draw_among(name text, customer_ids bigint[], prizes jsonb,
	beacon_source text DEFAULT NULL, sealed boolean DEFAULT true, tickets bigint[] DEFAULT NULL,
	max_wins_per_customer integer DEFAULT 1, default_prize text DEFAULT NULL,
	lose_message text DEFAULT 'Better luck next time', eligibility regprocedure DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_draw_id bigint;
	v_prize jsonb;
BEGIN
	IF draw_among.customer_ids IS NULL OR draw_among.prizes IS NULL THEN
		RAISE EXCEPTION 'customer_ids and prizes must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF cardinality(draw_among.customer_ids) = 0 THEN
		RAISE EXCEPTION 'draw_among needs at least one customer'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF jsonb_typeof(draw_among.prizes) <> 'array' OR jsonb_array_length(draw_among.prizes) = 0
	   OR EXISTS (SELECT FROM jsonb_array_elements(draw_among.prizes) p
	              WHERE jsonb_typeof(p) <> 'object' OR jsonb_typeof(p -> 'name') IS DISTINCT FROM 'string'
	                 OR jsonb_typeof(p -> 'value') IS DISTINCT FROM 'number'
	                 OR (p ? 'quantity' AND jsonb_typeof(p -> 'quantity') <> 'number')) THEN
		RAISE EXCEPTION 'prizes must be a non-empty JSON array of objects with a name and a value'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The prizes given were %s.', draw_among.prizes),
			      HINT = 'For example ''[{"name": "50 free spins", "value": 10, "quantity": 3}]''; quantity and payload are optional.';
	END IF;
	-- one ingest partition, closed below: the draw is ready (and sealed) at once
	v_draw_id := promo_draw.create_draw(draw_among.name,
		closes_at => now() + interval '1 microsecond', partitions => 1, milestones => '{}',
		max_wins_per_customer => draw_among.max_wins_per_customer,
		default_prize => draw_among.default_prize, lose_message => draw_among.lose_message,
		eligibility => draw_among.eligibility, sealed => draw_among.sealed,
		beacon_source => draw_among.beacon_source);
	-- on one node a failure rolls everything back; on a proxy, whose nodes
	-- commit each call, the draw made so far is cancelled so none is left open
	BEGIN
		FOR v_prize IN SELECT p FROM jsonb_array_elements(draw_among.prizes) p LOOP
			PERFORM promo_draw.add_prize(v_draw_id, v_prize ->> 'name', (v_prize ->> 'value')::numeric,
				coalesce((v_prize ->> 'quantity')::integer, 1), coalesce(v_prize -> 'payload', '{}'));
		END LOOP;
		PERFORM promo_draw.award_tickets(v_draw_id, draw_among.customer_ids, draw_among.tickets);
		PERFORM promo_draw.close_partition(v_draw_id, 0);
	EXCEPTION WHEN OTHERS THEN
		PERFORM promo_draw.cancel_draw(v_draw_id, 'draw_among failed: ' || SQLERRM);
		RAISE;
	END;
	RETURN v_draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer,
	text, text, regprocedure) IS
	'a draw among the customers given (one ticket each, or tickets[]), ready at once: sealed by default, so it runs after set_beacon(); returns its draw_id';
REVOKE EXECUTE ON FUNCTION promo_draw.seal_draw(bigint),
	promo_draw.set_beacon(bigint, bytea, text),
	promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text, regprocedure)
FROM PUBLIC;

CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_ids bigint[],
	counts bigint[] DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'award_tickets_batch'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) IS
	'a batch of awards (counts NULL: one ticket each), as single calls in order would give them; returns the tickets issued';
REVOKE EXECUTE ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION promo_draw.ticket_progress(draw_id bigint, customer_id bigint)
	RETURNS TABLE (tickets bigint, stake numeric, stake_to_next_ticket numeric, opted_in boolean)
	LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_per numeric;
	v_cap bigint;
BEGIN
	IF ticket_progress.draw_id IS NULL OR ticket_progress.customer_id IS NULL THEN
		RAISE EXCEPTION 'draw_id and customer_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT d.stake_per_ticket, d.max_tickets_per_customer INTO v_per, v_cap
	FROM promo_draw.draw d WHERE d.draw_id = ticket_progress.draw_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', ticket_progress.draw_id USING ERRCODE = 'PD001';
	END IF;
	RETURN QUERY
	SELECT coalesce(e.tickets, 0), coalesce(e.stake, 0),
	       CASE WHEN v_per IS NULL THEN NULL
	            WHEN coalesce(e.tickets, 0) >= v_cap THEN 0::numeric
	            ELSE promo_draw.stake_to_next_ticket(coalesce(e.stake, 0), v_per) END,
	       coalesce(e.opted_in, false)
	FROM (VALUES (1)) AS one(x)
	LEFT JOIN promo_draw.entry e
	       ON e.draw_id = ticket_progress.draw_id AND e.customer_id = ticket_progress.customer_id;
END
$$;
COMMENT ON FUNCTION promo_draw.ticket_progress(bigint, bigint) IS
	'a customer''s tickets, stake, stake still needed for the next ticket (0 when capped, NULL without a stake rule) and opt-in';

CREATE OR REPLACE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
	RETURNS void
	AS 'MODULE_PATHNAME', 'bonus_bet'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.bonus_bet(bigint, numeric, numeric, text) IS
	'a bet on an active bonus: balance -= stake, wagered += stake x contribution; a bet_id seen before changes nothing';

CREATE OR REPLACE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
	RETURNS void
	AS 'MODULE_PATHNAME', 'bonus_win'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.bonus_win(bigint, numeric, text) IS
	'a win credited to a bonus (0 settles a losing bet); the win of a bet this bonus took counts even after the bet cleared it';

CREATE OR REPLACE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text)
	RETURNS void
	AS 'MODULE_PATHNAME', 'forfeit_bonus'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.forfeit_bonus(bigint, text) IS
	'the operator ends an active bonus, with a reason; its balance is not paid out';

DROP FUNCTION promo_draw.settle_bonus(promo_draw.bonus);
DROP FUNCTION promo_draw.bonus_not_active(promo_draw.bonus);

CREATE OR REPLACE VIEW promo_draw.draw_summary AS
SELECT d.draw_id, d.name, d.status, d.opens_at, d.closes_at, d.draw_at, d.drawn_at,
       coalesce(d.participants, e.participants) AS participants,
       coalesce(d.tickets_total, e.tickets) AS tickets,
       coalesce(p.prize_units, 0) AS prize_units,
       coalesce(p.prize_value, 0) AS prize_value,
       coalesce(r.won, 0) AS won,
       coalesce(r.defaulted, 0) AS "default",
       coalesce(r.lost, 0) AS lost,
       coalesce(r.ineligible, 0) AS ineligible,
       coalesce(r.value_won, 0) AS value_won,
       d.failed_runs, d.last_error, d.last_error_at,
       d.sealed, d.sealed_at, d.entry_digest, d.beacon_source, d.beacon_at
FROM promo_draw.draw d
LEFT JOIN LATERAL (
	SELECT count(*) AS participants, sum(e.tickets) AS tickets
	FROM promo_draw.entry e
	WHERE e.draw_id = d.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
) e ON true
LEFT JOIN LATERAL (
	SELECT sum(p.quantity) AS prize_units, sum(p.value * p.quantity) AS prize_value
	FROM promo_draw.prize p WHERE p.draw_id = d.draw_id
) p ON true
LEFT JOIN LATERAL (
	SELECT count(*) FILTER (WHERE r.outcome = 'won') AS won,
	       count(*) FILTER (WHERE r.outcome = 'default') AS defaulted,
	       count(*) FILTER (WHERE r.outcome = 'lost') AS lost,
	       count(*) FILTER (WHERE r.outcome = 'ineligible') AS ineligible,
	       sum(pz.value) FILTER (WHERE r.outcome = 'won') AS value_won
	FROM promo_draw.result r
	LEFT JOIN promo_draw.prize pz ON pz.prize_id = r.prize_id
	WHERE r.draw_id = d.draw_id
) r ON true;
COMMENT ON VIEW promo_draw.draw_summary IS
	'one row per draw: participants, tickets, prizes on offer and given, outcomes, failed scheduled runs, and a sealed draw''s seal and beacon';

CREATE OR REPLACE VIEW promo_draw.entry_reveal WITH (security_barrier) AS
SELECT e.draw_id, e.customer_id, e.tickets, e.best, e.opted_in
FROM promo_draw.entry e
JOIN promo_draw.draw d ON d.draw_id = e.draw_id
WHERE d.status = 'drawn' OR (d.sealed AND d.status = 'sealed');
COMMENT ON VIEW promo_draw.entry_reveal IS
	'customers'' ticket counts and best tickets in drawn draws, and the frozen ticket counts of sealed draws';

/*
 * Reports without secrets.  A single-use code (max_redemptions = 1, as
 * create_codes makes them) is a bearer secret until it is redeemed, and
 * again after a cancellation frees it: reports never show its last 12
 * characters (the random part create_codes adds, so a batch shows as its
 * prefix).  A shared code (unlimited, or a limit above 1) is announced to
 * customers anyway and is shown whole.
 */
CREATE FUNCTION promo_draw.code_label(code text, max_redemptions bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN max_redemptions OPERATOR(pg_catalog.=) 1
	            THEN pg_catalog.left(code, GREATEST(pg_catalog.length(code) OPERATOR(pg_catalog.-) 12, 0))
	                 OPERATOR(pg_catalog.||) '************'
	            ELSE code END;
COMMENT ON FUNCTION promo_draw.code_label(text, bigint) IS
	'a promotion code as reports show it: whole for a shared code, without its last 12 characters for a single-use code';

CREATE VIEW promo_draw.code_report AS
SELECT promo_draw.code_label(s.code, s.max_redemptions) AS code_label,
       s.max_redemptions = 1 AS single_use,
       s.starts_at, s.ends_at, s.max_redemptions, s.redeemed, s.cancelled, s.remaining, s.reward
FROM promo_draw.code_summary s;
COMMENT ON VIEW promo_draw.code_report IS
	'code_summary for reporting roles: single-use codes are shown without their last 12 characters';

CREATE VIEW promo_draw.redemption_report AS
SELECT promo_draw.code_label(r.code, c.max_redemptions) AS code_label, r.customer_id,
       r.redeemed_at, r.cancelled_at, false AS archived
FROM promo_draw.redemption r
JOIN promo_draw.promo_code c ON c.code = r.code
UNION ALL
SELECT promo_draw.code_label(h.code, c.max_redemptions), h.customer_id,
       h.redeemed_at, h.cancelled_at, true
FROM promo_draw.redemption_history h
JOIN promo_draw.promo_code c ON c.code = h.code;
COMMENT ON VIEW promo_draw.redemption_report IS
	'every redemption, valid, cancelled and archived, for reporting roles: single-use codes are shown without their last 12 characters';

REVOKE EXECUTE ON FUNCTION promo_draw.code_label(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION promo_draw.code_label(text, bigint) TO PUBLIC;

CREATE FUNCTION promo_draw.digest_text(value text) RETURNS bytea
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN CASE WHEN value IS NULL THEN int4send(-1)
	            ELSE int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8') END;
COMMENT ON FUNCTION promo_draw.digest_text(text) IS
	'a text as a sealed draw''s entry digest takes it: int4 length and UTF-8 bytes, NULL as length -1';
REVOKE EXECUTE ON FUNCTION promo_draw.digest_text(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION promo_draw.digest_text(text) TO PUBLIC;

/*
 * verify_draw: recompute a drawn draw in plain SQL with pgcrypto, from its
 * revealed seed, its entries and its prize table, independently of the C
 * code that drew it.  The ticket formula (HMAC-SHA256 of draw, customer and
 * ticket number under the seed) and the prize walk are deliberately written
 * a second time here, apart from src/ticket.c and src/draw.c: a check that
 * called the code it checks would prove nothing.  For a sealed draw the
 * digest's serialisation and the ticket keys (src/seal.c) are written a
 * second time the same way; the keys in numeric, which is what defines them.  The body is bound when the extension is created, so
 * it needs no search_path.  The 'ineligible' decisions are taken as
 * recorded (the eligibility function answered at draw time), but each must
 * sit where the draw would have asked: at a would-be winner's first ticket
 * while prizes remained, or at the best ticket of a customer about to get
 * the default prize.
 */
CREATE OR REPLACE FUNCTION promo_draw.verify_draw(draw_id bigint)
RETURNS TABLE (check_name text, ok boolean, detail text)
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
WITH d AS (
	SELECT q.id AS draw_id, dr.status, dr.max_wins_per_customer AS m, dr.requires_opt_in,
	       dr.default_prize, dr.participants, dr.tickets_total, dr.seed_hash,
	       rv.seed, coalesce(dr.sealed, false) AS sealed,
	       coalesce(rv.seed IS NOT NULL OR (dr.sealed AND dr.status = 'drawn'), false) AS revealed,
	       CASE WHEN dr.sealed THEN 'The draw has not run yet.' ELSE 'The seed is not revealed.' END AS hidden,
	       CASE WHEN dr.eligibility IS NOT NULL THEN dr.eligibility_identity END AS eligibility_identity,
	       dr.beacon_source, dr.entry_digest, dr.sealed_at, dr.beacon, dr.beacon_reference, dr.beacon_at
	FROM (VALUES (verify_draw.draw_id)) AS q(id)
	LEFT JOIN promo_draw.draw dr ON dr.draw_id = q.id
	LEFT JOIN promo_draw.draw_reveal rv ON rv.draw_id = q.id
),
entries AS (
	SELECT e.customer_id, e.tickets, e.best, e.opted_in
	FROM promo_draw.entry_reveal e
	WHERE e.draw_id = verify_draw.draw_id
),
recomputed AS (
	SELECT e.customer_id,
	       (array_agg(DISTINCT encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id)
	                                              || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid
	                  ORDER BY encode(substr(hmac(int8send(d.draw_id) || int8send(e.customer_id)
	                                              || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid DESC)
	       )[1:d.m] AS best
	FROM d, entries e, generate_series(1, e.tickets) j
	GROUP BY e.customer_id, d.m
),
ticket_check AS (
	SELECT count(*) AS checked,
	       count(*) FILTER (WHERE e.best IS DISTINCT FROM coalesce(r.best, '{}')) AS wrong,
	       min(e.customer_id) FILTER (WHERE e.best IS DISTINCT FROM coalesce(r.best, '{}')) AS first_wrong
	FROM entries e LEFT JOIN recomputed r ON r.customer_id = e.customer_id
),
participant AS (
	SELECT e.customer_id, e.tickets
	FROM d, entries e
	WHERE e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
),
sealed_digest AS (
	-- the serialisation of README "Sealed draws", as src/seal.c writes it
	SELECT sha256(convert_to('promo_draw sealed draw v1', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source) || int8send(d.m::bigint)
	              || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(d.eligibility_identity)
	              || int8send(pz.n) || pz.bytes
	              || coalesce((SELECT string_agg(int8send(p.customer_id) || int8send(p.tickets), ''::bytea
	                                             ORDER BY p.customer_id)
	                           FROM participant p), ''::bytea)) AS digest
	FROM d, LATERAL (
		SELECT count(*) AS n,
		       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
		                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint),
		                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS bytes
		FROM promo_draw.prize p WHERE p.draw_id = d.draw_id
	) pz
	WHERE d.sealed
),
sealed_hmac AS (
	-- h_i for a customer's first min(tickets, max_wins) tickets, x_i its
	-- first 8 bytes as an unsigned integer
	SELECT p.customer_id, p.tickets, i AS rank, h,
	       ('x' || encode(substr(h, 1, 8), 'hex'))::bit(64)::bigint::numeric
	       + CASE WHEN get_byte(h, 0) >= 128 THEN 18446744073709551616 ELSE 0 END AS x
	FROM d, participant p, generate_series(1, least(p.tickets, d.m::bigint)) i,
	     LATERAL hmac(d.entry_digest || int8send(p.customer_id) || int8send(i), d.beacon, 'sha256') h
	WHERE d.sealed AND d.revealed
),
sealed_key AS (
	-- key_j = sum over i <= j of -ln(u_i) / (n - i + 1), u_i = (2 x_i + 1) / 2^65
	-- exactly, in numeric as src/seal.c computes it
	SELECT k.customer_id, encode(substr(k.h, 1, 16), 'hex')::uuid AS ticket, k.rank,
	       sum(-ln((2 * k.x + 1) * 0.00000000000000000002710505431213761085018632002174854278564453125)
	           / (k.tickets - k.rank + 1))
	           OVER (PARTITION BY k.customer_id ORDER BY k.rank) AS key
	FROM sealed_hmac k
),
ordered AS (
	SELECT e.customer_id, b.ticket, b.rank,
	       row_number() OVER w AS place,
	       coalesce(lag(b.ticket) OVER w = b.ticket, false) AS repeat
	FROM d, entries e, unnest(e.best) WITH ORDINALITY AS b(ticket, rank)
	WHERE NOT d.sealed AND e.tickets > 0 AND (e.opted_in OR NOT d.requires_opt_in)
	WINDOW w AS (ORDER BY b.ticket DESC, e.customer_id)
	UNION ALL
	-- a sealed draw: smallest key first, as a drum gives them; no repeats
	SELECT k.customer_id, k.ticket, k.rank,
	       row_number() OVER (ORDER BY k.key, k.customer_id, k.rank) AS place,
	       false AS repeat
	FROM sealed_key k
),
stored AS (
	SELECT r.place, r.customer_id, r.ticket, r.prize_id, r.outcome
	FROM promo_draw.result r
	WHERE r.draw_id = verify_draw.draw_id
),
ineligible AS (
	SELECT DISTINCT s.customer_id FROM stored s WHERE s.outcome = 'ineligible'
),
units AS (
	SELECT p.prize_id, row_number() OVER (ORDER BY p.value DESC, p.prize_id, u) AS k
	FROM promo_draw.prize p, generate_series(1, p.quantity) u
	WHERE p.draw_id = verify_draw.draw_id
),
candidates AS (
	SELECT o.place, o.customer_id, o.ticket, row_number() OVER (ORDER BY o.place) AS k
	FROM ordered o
	WHERE NOT o.repeat AND o.customer_id NOT IN (SELECT i.customer_id FROM ineligible i)
),
won AS (
	SELECT c.place, c.customer_id, c.ticket, u.prize_id, 'won'::text AS outcome
	FROM candidates c JOIN units u ON u.k = c.k
),
first_ticket AS (
	SELECT DISTINCT ON (o.customer_id) o.place, o.customer_id, o.ticket
	FROM ordered o
	WHERE NOT o.repeat
	ORDER BY o.customer_id, o.place
),
prize_ineligible AS (
	-- asked while prizes remained, at their first ticket that counts
	SELECT f.place, f.customer_id, f.ticket, NULL::bigint AS prize_id, 'ineligible'::text AS outcome
	FROM first_ticket f
	WHERE f.customer_id IN (SELECT i.customer_id FROM ineligible i)
	  AND (SELECT count(*) FROM won w WHERE w.place < f.place) < (SELECT count(*) FROM units)
),
consolation AS (
	-- everyone else who won nothing, at their best ticket: the default
	-- prize (for which eligibility was asked) or the lose message
	SELECT o.place, o.customer_id, o.ticket, NULL::bigint AS prize_id,
	       CASE WHEN d.default_prize IS NULL THEN 'lost'
	            WHEN o.customer_id IN (SELECT i.customer_id FROM ineligible i) THEN 'ineligible'
	            ELSE 'default' END AS outcome
	FROM d, ordered o
	WHERE o.rank = 1
	  AND o.customer_id NOT IN (SELECT w.customer_id FROM won w)
	  AND o.customer_id NOT IN (SELECT p.customer_id FROM prize_ineligible p)
),
expected AS (
	SELECT * FROM won UNION ALL SELECT * FROM prize_ineligible UNION ALL SELECT * FROM consolation
),
result_diff AS (
	SELECT count(*) AS differing, min(x.place) AS first_place
	FROM ((SELECT * FROM stored EXCEPT ALL SELECT * FROM expected)
	      UNION ALL
	      (SELECT * FROM expected EXCEPT ALL SELECT * FROM stored)) x
),
participation AS (
	SELECT count(*) AS participants, coalesce(sum(p.tickets), 0) AS tickets
	FROM participant p
),
messages AS (
	SELECT n.notification_id, n.customer_id, n.kind
	FROM promo_draw.notification n
	WHERE n.draw_id = verify_draw.draw_id AND n.kind IN ('won', 'default', 'lost')
),
message_check AS (
	SELECT (SELECT count(*) FROM stored s WHERE s.outcome <> 'ineligible') AS expected,
	       (SELECT count(*) FROM messages) AS found,
	       (SELECT count(*) FROM (
	           (SELECT s.customer_id, s.outcome FROM stored s WHERE s.outcome <> 'ineligible'
	            EXCEPT ALL
	            SELECT m.customer_id, m.kind FROM messages m)) x) AS missing,
	       (SELECT count(*) - count(DISTINCT m.notification_id) FROM messages m) AS shared
)
SELECT 'drawn', coalesce(d.status = 'drawn', false),
       CASE WHEN d.status IS NULL THEN format('There is no draw %s.', d.draw_id)
            WHEN d.status = 'drawn' AND d.sealed THEN 'The sealed draw has run.'
            WHEN d.status = 'drawn' THEN 'The draw has run and its seed is revealed.'
            WHEN d.sealed THEN format('The sealed draw is %s: it has not run, so nothing can be verified yet.', d.status)
            ELSE format('The draw is %s: its seed is still secret, so nothing can be verified yet.', d.status) END
FROM d
UNION ALL
SELECT 'seed', coalesce(digest(d.seed, 'sha256') = d.seed_hash, false),
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN digest(d.seed, 'sha256') = d.seed_hash THEN 'sha256(seed) equals the seed_hash published when the draw was created.'
            ELSE 'sha256(seed) does not equal the published seed_hash.' END
FROM d WHERE NOT d.sealed
UNION ALL
SELECT 'tickets', d.seed IS NOT NULL AND t.wrong = 0,
       CASE WHEN d.seed IS NULL THEN 'The seed is not revealed.'
            WHEN t.wrong = 0 THEN format('The best tickets of all %s entries match the tickets recomputed from the seed.', t.checked)
            ELSE format('%s of %s entries hold best tickets that the seed does not give, customer %s first.',
                        t.wrong, t.checked, t.first_wrong) END
FROM d, ticket_check t WHERE NOT d.sealed
UNION ALL
SELECT 'digest', d.entry_digest IS NOT NULL AND sd.digest = d.entry_digest,
       CASE WHEN d.entry_digest IS NULL THEN 'The draw is not sealed yet.'
            WHEN sd.digest = d.entry_digest
            THEN format('The entries, prizes and rules give the digest %s, published when the draw was sealed at %s.',
                        encode(d.entry_digest, 'hex'), d.sealed_at)
            ELSE format('The entries, prizes and rules now give the digest %s, not the %s sealed at %s: something changed after the seal.',
                        encode(sd.digest, 'hex'), encode(d.entry_digest, 'hex'), d.sealed_at) END
FROM d, sealed_digest sd
UNION ALL
SELECT 'beacon', coalesce(d.beacon_at > d.sealed_at, false),
       CASE WHEN d.beacon IS NULL THEN 'The draw has no beacon value yet.'
            WHEN d.beacon_at > d.sealed_at
            THEN format('The beacon value %s (%s) was given at %s, after the seal at %s; it was to come from: %s.',
                        encode(d.beacon, 'hex'), coalesce(d.beacon_reference, 'no reference given'),
                        d.beacon_at, d.sealed_at, d.beacon_source)
            ELSE format('The beacon value was given at %s, not after the seal at %s.', d.beacon_at, d.sealed_at) END
FROM d WHERE d.sealed
UNION ALL
SELECT 'participants', d.revealed AND p.participants = d.participants AND p.tickets = d.tickets_total,
       CASE WHEN NOT d.revealed THEN d.hidden
            WHEN p.participants = d.participants AND p.tickets = d.tickets_total
            THEN format('%s participants holding %s tickets, as recorded when the draw ran.', p.participants, p.tickets)
            ELSE format('The entries now hold %s participants with %s tickets; the draw recorded %s with %s.',
                        p.participants, p.tickets, d.participants, d.tickets_total) END
FROM d, participation p
UNION ALL
SELECT 'results', d.revealed AND r.differing = 0,
       CASE WHEN NOT d.revealed THEN d.hidden
            WHEN r.differing = 0 THEN format('All %s results match the assignment recomputed from the entries and the prize table.',
                                             (SELECT count(*) FROM stored))
            ELSE format('%s result rows differ from the recomputed assignment, first at place %s.',
                        r.differing, r.first_place) END
FROM d, result_diff r
UNION ALL
SELECT 'messages', d.revealed AND mc.missing = 0 AND mc.found = mc.expected AND mc.shared = 0,
       CASE WHEN NOT d.revealed THEN d.hidden
            WHEN mc.missing = 0 AND mc.found = mc.expected AND mc.shared = 0
            THEN format('Every one of the %s winners and consoled customers has exactly one message.', mc.expected)
            WHEN mc.shared > 0
            THEN format('%s messages share their notification_id with another message of the draw.', mc.shared)
            ELSE format('There are %s messages for %s results, and %s results have no message of their own.',
                        mc.found, mc.expected, mc.missing) END
FROM d, message_check mc;
END;
COMMENT ON FUNCTION promo_draw.verify_draw(bigint) IS
	'recompute a drawn draw in plain SQL with pgcrypto: seed and tickets (a sealed draw: digest and beacon), participants, results and messages; ok = false names what differs';

ALTER TABLE promo_draw.code_shard
	DROP CONSTRAINT code_shard_capacity_check,
	ADD CONSTRAINT code_shard_capacity_check CHECK (capacity >= 0);

/*
 * The shard side of a sharded deployment (README, "Scaling out").
 *
 * A proxy database runs promo_draw_proxy, whose functions have the names
 * and signatures of promo_draw's and reach the shards through PL/Proxy;
 * every shard runs promo_draw.  The functions below are what the proxy
 * calls besides the ordinary ones.  None is granted to PUBLIC: the role of
 * the proxy's user mapping needs EXECUTE on them (README).
 *
 * - Definitions (draws, prizes, codes, instant wins) are created on node 0
 *   and copied to every node with the same ids, so a draw_id means the
 *   same draw everywhere.  The copy carries the draw's seed: it passes
 *   through the proxy's connection, never into a table of the proxy.
 * - Ids made on a shard for one customer (bonus_id, notification_id) are
 *   interleaved by shard_configure: node k of n hands out k + 1, k + 1 + n,
 *   ..., so an id names its node and no two nodes give the same id.
 * - A sharded draw is drawn by the proxy, which merges the tickets of all
 *   nodes (shard_draw_tickets) and stages each node's results
 *   (shard_stage_draw) before any node publishes them (shard_publish_draw);
 *   run_draw and run_due_draws on a shard refuse with PD050.
 * - A limited code's limit is spread over the nodes; a node whose part is
 *   used up borrows room from another (shard_lend_code_room, then
 *   shard_accept_code_room), each transfer recorded on both sides under one
 *   transfer_id, so that room in transit is never lost nor counted twice.
 */

CREATE TABLE promo_draw.shard_node (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	node integer NOT NULL CHECK (node >= 0),
	nodes integer NOT NULL CHECK (nodes >= 1 AND node < nodes),
	configured_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE promo_draw.shard_node IS
	'empty on a single node; on a shard of a sharded deployment its node number and the number of nodes';

-- a result row, with the token of the run that staged it
CREATE TABLE promo_draw.staged_result (
	LIKE promo_draw.result INCLUDING CONSTRAINTS INCLUDING INDEXES,
	token uuid NOT NULL
);
COMMENT ON TABLE promo_draw.staged_result IS
	'a sharded draw''s results for this shard''s customers, computed by the proxy and not yet published';

CREATE TABLE promo_draw.code_transfer (
	transfer_id uuid PRIMARY KEY,
	code text NOT NULL,
	amount bigint NOT NULL CHECK (amount > 0),
	direction text NOT NULL CHECK (direction IN ('out', 'in')),
	peer integer NOT NULL CHECK (peer >= 0),
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX code_transfer_code_idx ON promo_draw.code_transfer (code);
COMMENT ON TABLE promo_draw.code_transfer IS
	'room of a limited code lent to (out) or borrowed from (in) another node: a transfer is complete when both nodes hold its row';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.shard_node', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.staged_result', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_transfer', '');

CREATE FUNCTION promo_draw.shard_configure(node integer, nodes integer) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_next bigint;
BEGIN
	IF nodes < 1 OR node NOT BETWEEN 0 AND nodes - 1 THEN
		RAISE EXCEPTION 'node must be between 0 and nodes - 1'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('node is %s and nodes is %s.', node, nodes);
	END IF;
	INSERT INTO promo_draw.shard_node AS s (node, nodes) VALUES (node, nodes)
	ON CONFLICT (one) DO UPDATE SET node = excluded.node, nodes = excluded.nodes,
		configured_at = now()
	WHERE (s.node, s.nodes) IS DISTINCT FROM (excluded.node, excluded.nodes);

	-- interleave the ids a node makes for its own customers, past every id
	-- it made so far: node k of n gives k + 1 + j * n
	SELECT (coalesce(max(b.bonus_id), 0) / nodes + 1) * nodes + node + 1 INTO v_next FROM promo_draw.bonus b;
	EXECUTE format('ALTER TABLE promo_draw.bonus ALTER COLUMN bonus_id SET INCREMENT BY %s RESTART WITH %s',
	               nodes, v_next);
	SELECT (coalesce(max(n.notification_id), 0) / nodes + 1) * nodes + node + 1 INTO v_next
	FROM promo_draw.notification n;
	EXECUTE format('ALTER TABLE promo_draw.outbox ALTER COLUMN notification_id SET INCREMENT BY %s RESTART WITH %s',
	               nodes, v_next);
	RETURN node;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_configure(integer, integer) IS
	'make this database node "node" of "nodes" of a sharded deployment (promo_draw_proxy calls it); returns the node';

CREATE FUNCTION promo_draw.shard_node() RETURNS TABLE (node integer, nodes integer, version text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.node, s.nodes, e.extversion::text
	FROM pg_extension e LEFT JOIN promo_draw.shard_node s ON true
	WHERE e.extname = 'promo_draw'
$$;
COMMENT ON FUNCTION promo_draw.shard_node() IS
	'this database''s node number and node count (NULL when not configured) and promo_draw''s version';

CREATE FUNCTION promo_draw.shard_draw_definition(draw_id bigint) RETURNS jsonb
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'draw', to_jsonb(d),
		'prizes', coalesce((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.prize_id)
		                    FROM promo_draw.prize p WHERE p.draw_id = d.draw_id), '[]'),
		'partitions', coalesce((SELECT jsonb_agg(m.partition ORDER BY m.partition)
		                        FROM promo_draw.partition_mark m WHERE m.draw_id = d.draw_id), '[]'))
	FROM promo_draw.draw d
	WHERE d.draw_id = shard_draw_definition.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_definition(bigint) IS
	'a draw''s row (with its secret seed), prizes and partitions, for promo_draw_proxy to copy to the other nodes';

CREATE FUNCTION promo_draw.shard_put_draw(definition jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE := jsonb_populate_record(NULL::promo_draw.draw, definition->'draw');
	v_have promo_draw.draw%ROWTYPE;
BEGIN
	IF v.draw_id IS NULL THEN
		RAISE EXCEPTION 'a draw definition needs its draw row' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO v_have FROM promo_draw.draw d WHERE d.draw_id = v.draw_id FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO promo_draw.draw OVERRIDING SYSTEM VALUE SELECT v.*;
		INSERT INTO promo_draw.partition_mark (draw_id, partition)
		SELECT v.draw_id, p::integer FROM jsonb_array_elements_text(definition->'partitions') p;
	ELSIF (v_have.seed, v_have.name, v_have.created_at) IS DISTINCT FROM (v.seed, v.name, v.created_at) THEN
		RAISE EXCEPTION 'draw % on this node is another draw', v.draw_id
			USING ERRCODE = 'PD050',
			      DETAIL = 'A draw of that id exists here with another name, seed or creation time.',
			      HINT = 'Every node must be created empty and take its definitions from the proxy.';
	END IF;
	INSERT INTO promo_draw.prize OVERRIDING SYSTEM VALUE
	SELECT p.* FROM jsonb_populate_recordset(NULL::promo_draw.prize, definition->'prizes') p
	WHERE NOT EXISTS (SELECT FROM promo_draw.prize q WHERE q.prize_id = p.prize_id);
	RETURN v.draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_draw(jsonb) IS
	'copy a draw''s definition from node 0 (draw, prizes and partitions missing here); returns its draw_id';

CREATE FUNCTION promo_draw.shard_draw_state(draw_id bigint)
RETURNS TABLE (node integer, status text, staged_token uuid, staged bigint, results bigint,
	entries bigint)
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (SELECT s.node FROM promo_draw.shard_node s), d.status,
	       (SELECT min(r.token::text)::uuid FROM promo_draw.staged_result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.staged_result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.entry e WHERE e.draw_id = d.draw_id AND e.tickets > 0)
	FROM promo_draw.draw d WHERE d.draw_id = shard_draw_state.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_state(bigint) IS
	'where a sharded draw stands on this node: its status, staged results, published results and entries holding tickets';

CREATE FUNCTION promo_draw.shard_draw_begin(draw_id bigint) RETURNS text
	AS 'MODULE_PATHNAME', 'shard_draw_begin'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_draw_begin(bigint) IS
	'lock a sharded draw on this node for the transaction (waiting for ingest in flight); ''drawn'' or ''ready'', or the error run_draw raises';

CREATE FUNCTION promo_draw.shard_ineligible(draw_id bigint, customer_ids bigint[]) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shard_ineligible'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_ineligible(bigint, bigint[]) IS
	'the customers the draw''s eligibility function finds not eligible, asked as the role that created the draw';

CREATE FUNCTION promo_draw.shard_draw_tickets(draw_id bigint, part integer DEFAULT 0,
	parts integer DEFAULT 1)
RETURNS TABLE (ticket uuid, customer_id bigint, rank integer, tickets bigint)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_opt_in boolean;
BEGIN
	IF parts < 1 OR part < 0 OR part >= parts THEN
		RAISE EXCEPTION 'part % of % does not exist', part, parts
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'parts is at least 1, and part is from 0 to parts - 1.';
	END IF;
	IF promo_draw.shard_draw_begin(shard_draw_tickets.draw_id) = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn on this node', shard_draw_tickets.draw_id
			USING ERRCODE = 'PD003';
	END IF;
	SELECT d.requires_opt_in INTO v_opt_in FROM promo_draw.draw d
	WHERE d.draw_id = shard_draw_tickets.draw_id;
	RETURN QUERY
	SELECT b.ticket, e.customer_id, b.rank::integer, e.tickets
	FROM promo_draw.entry e, unnest(e.best) WITH ORDINALITY AS b(ticket, rank)
	WHERE e.draw_id = shard_draw_tickets.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v_opt_in)
	  AND (parts = 1 OR (e.customer_id % parts + parts) % parts = part);
END
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_tickets(bigint, integer, integer) IS
	'the best tickets of this node''s participants in a ready draw (of those in part part of parts), for the proxy to merge; only once the draw is ready, when no more tickets can come';

CREATE FUNCTION promo_draw.shard_seal_begin(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shard_seal_begin'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_seal_begin(bigint) IS
	'wait for ingest in flight on a sealed draw that is ready; its digest if this node has it sealed, else NULL';

CREATE FUNCTION promo_draw.shard_sealed_entries(draw_id bigint)
RETURNS TABLE (customer_id bigint, tickets bigint)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_opt_in boolean;
BEGIN
	PERFORM promo_draw.shard_seal_begin(shard_sealed_entries.draw_id);
	SELECT d.requires_opt_in INTO v_opt_in FROM promo_draw.draw d
	WHERE d.draw_id = shard_sealed_entries.draw_id;
	RETURN QUERY
	SELECT e.customer_id, e.tickets FROM promo_draw.entry e
	WHERE e.draw_id = shard_sealed_entries.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v_opt_in)
	ORDER BY e.customer_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_sealed_entries(bigint) IS
	'the participants of a ready sealed draw on this node and their ticket counts, for the proxy to seal it';

CREATE FUNCTION promo_draw.shard_seal_draw(draw_id bigint, digest bytea) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shard_seal_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_seal_draw(bigint, bytea) IS
	'seal this node''s part of a sealed draw with the digest of every node''s entries; again with the same digest changes nothing';

CREATE FUNCTION promo_draw.shard_sealed_tickets(draw_id bigint, part integer DEFAULT 0,
	parts integer DEFAULT 1)
RETURNS TABLE (key double precision, customer_id bigint, rank integer, tickets bigint, ticket uuid)
	AS 'MODULE_PATHNAME', 'shard_sealed_tickets'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_sealed_tickets(bigint, integer, integer) IS
	'the keys of this node''s tickets in a sealed draw with its beacon, in the draw''s order, for the proxy to merge';

CREATE FUNCTION promo_draw.shard_stage_draw(draw_id bigint, token uuid, places bigint[],
	customer_ids bigint[], tickets uuid[], prize_ids bigint[], outcomes text[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_rows bigint;
BEGIN
	IF draw_id IS NULL OR token IS NULL OR places IS NULL OR customer_ids IS NULL
	   OR tickets IS NULL OR prize_ids IS NULL OR outcomes IS NULL THEN
		RAISE EXCEPTION 'shard_stage_draw arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF promo_draw.shard_draw_begin(shard_stage_draw.draw_id) = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn on this node', shard_stage_draw.draw_id
			USING ERRCODE = 'PD003';
	END IF;
	-- results staged by an earlier attempt are replaced
	DELETE FROM promo_draw.staged_result r
	WHERE r.draw_id = shard_stage_draw.draw_id AND r.token <> shard_stage_draw.token;
	INSERT INTO promo_draw.staged_result (draw_id, token, place, customer_id, ticket, prize_id, outcome)
	SELECT shard_stage_draw.draw_id, shard_stage_draw.token, x.place, x.customer_id, x.ticket,
	       x.prize_id, x.outcome
	FROM unnest(places, customer_ids, tickets, prize_ids, outcomes)
	     AS x(place, customer_id, ticket, prize_id, outcome)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS v_rows = ROW_COUNT;
	RETURN v_rows;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[]) IS
	'stage results of a sharded draw for this node''s customers under the proxy''s token, adding to those already staged under it; returns the rows this call staged';

CREATE FUNCTION promo_draw.shard_publish_draw(draw_id bigint, token uuid, staged bigint[])
RETURNS TABLE (node integer, results bigint)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_id bigint := shard_publish_draw.draw_id;
	v_node integer := (SELECT s.node FROM promo_draw.shard_node s);
	v_want bigint := coalesce(shard_publish_draw.staged[v_node + 1], 0);
	v promo_draw.draw%ROWTYPE;
	v_have bigint;
	v_messages regclass;
BEGIN
	IF promo_draw.shard_draw_begin(v_id) = 'drawn' THEN
		RETURN QUERY SELECT v_node, count(*) FROM promo_draw.result r WHERE r.draw_id = v_id;
		RETURN;
	END IF;
	SELECT count(*) INTO v_have FROM promo_draw.staged_result r
	WHERE r.draw_id = v_id AND r.token = shard_publish_draw.token;
	IF v_have <> v_want OR EXISTS (SELECT FROM promo_draw.staged_result r
	                               WHERE r.draw_id = v_id AND r.token <> shard_publish_draw.token) THEN
		RAISE EXCEPTION 'the staged results of draw % on node % are not those of this run', v_id, v_node
			USING ERRCODE = 'PD050',
			      DETAIL = format('%s rows are staged under this run''s token, where %s were sent.', v_have, v_want),
			      HINT = 'Another run_draw of the same draw on another proxy restaged them; run it again.';
	END IF;
	SELECT * INTO v FROM promo_draw.draw d WHERE d.draw_id = v_id;
	v_messages := pg_get_serial_sequence('promo_draw.outbox', 'notification_id')::regclass;

	-- each result but 'ineligible' is the customer's message, as run_draw writes it
	INSERT INTO promo_draw.result (draw_id, place, customer_id, ticket, prize_id, outcome,
	                               notification_id)
	SELECT r.draw_id, r.place, r.customer_id, r.ticket, r.prize_id, r.outcome,
	       CASE WHEN r.outcome <> 'ineligible'
	            THEN nextval(v_messages) END
	FROM promo_draw.staged_result r WHERE r.draw_id = v_id ORDER BY r.place;
	IF EXISTS (SELECT FROM promo_draw.result r WHERE r.draw_id = v_id AND r.notification_id IS NOT NULL) THEN
		INSERT INTO promo_draw.outcome_delivery (draw_id) VALUES (v_id);
	END IF;
	DELETE FROM promo_draw.staged_result r WHERE r.draw_id = v_id;

	UPDATE promo_draw.draw d SET status = 'drawn', drawn_at = now(),
		participants = e.participants, tickets_total = e.tickets
	FROM (SELECT count(*) AS participants, coalesce(sum(e.tickets), 0)::numeric AS tickets
	      FROM promo_draw.entry e
	      WHERE e.draw_id = v_id AND e.tickets > 0 AND (e.opted_in OR NOT v.requires_opt_in)) e
	WHERE d.draw_id = v_id;
	PERFORM pg_notify('promo_draw', jsonb_build_object('draw_id', v_id, 'status', 'drawn',
	                                                   'results', v_have)::text);
	RETURN QUERY SELECT v_node, v_have;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_publish_draw(bigint, uuid, bigint[]) IS
	'publish a sharded draw on this node: its staged results, their messages, status drawn and one NOTIFY; a drawn draw changes nothing';

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

CREATE FUNCTION promo_draw.shard_put_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint, reward jsonb, capacity bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
	v_shards integer;
BEGIN
	IF starts_at IS NULL OR ends_at IS NULL OR reward IS NULL
	   OR (max_redemptions IS NULL) <> (capacity IS NULL) OR capacity < 0 THEN
		RAISE EXCEPTION 'shard_put_code needs a window, a reward and, for a limited code, a capacity of 0 or more'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_redemptions IS NULL THEN
		PERFORM promo_draw.create_code(v_code, starts_at, ends_at, NULL, reward);
		RETURN;
	END IF;
	-- this node's part of the limit, in as many counters as create_code makes
	v_shards := greatest(least(capacity, 32), 1);
	PERFORM promo_draw.create_code(v_code, starts_at, ends_at, v_shards, reward);
	UPDATE promo_draw.promo_code c SET max_redemptions = shard_put_code.max_redemptions
	WHERE c.code = v_code;
	UPDATE promo_draw.code_shard s
	SET capacity = shard_put_code.capacity / v_shards
	               + CASE WHEN s.shard < shard_put_code.capacity % v_shards THEN 1 ELSE 0 END
	WHERE s.code = v_code;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_code(text, timestamptz, timestamptz, bigint, jsonb, bigint) IS
	'create a promotion code on this node holding capacity places of its limit max_redemptions (the rest is on other nodes)';

CREATE FUNCTION promo_draw.shard_put_codes(codes text[], starts_at timestamptz, ends_at timestamptz,
	reward jsonb)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_rows bigint;
BEGIN
	-- single-use codes made on node 0, which holds their one place
	WITH made AS (
		INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
		SELECT promo_draw.normalize_code(c), starts_at, ends_at, 1, reward, 1 FROM unnest(codes) c
		ON CONFLICT DO NOTHING
		RETURNING promo_code.code
	)
	INSERT INTO promo_draw.code_shard (code, shard, capacity)
	SELECT made.code, 0, 0 FROM made;
	GET DIAGNOSTICS v_rows = ROW_COUNT;
	RETURN v_rows;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_codes(text[], timestamptz, timestamptz, jsonb) IS
	'copy single-use codes made on node 0 to this node, with no place of their own: a redeemer here borrows it';

CREATE FUNCTION promo_draw.shard_redeem(code text, customer_id bigint)
RETURNS SETOF promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- no row, rather than an error, when this node's part of the limit is
	-- used up: the proxy then borrows room, and keeps its connection
	RETURN QUERY SELECT * FROM promo_draw.redeem(code, customer_id);
EXCEPTION WHEN SQLSTATE 'PD014' THEN
	RETURN;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_redeem(text, bigint) IS
	'redeem on this node, or return no row when its part of the code''s limit is used up';

CREATE FUNCTION promo_draw.shard_lend_code_room(code text, wanted bigint, transfer_id uuid, to_node integer)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
	v_free bigint;
	v_give bigint;
	v_left bigint;
	r record;
BEGIN
	IF wanted < 1 THEN
		RAISE EXCEPTION 'wanted must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF EXISTS (SELECT FROM promo_draw.code_transfer t WHERE t.transfer_id = shard_lend_code_room.transfer_id) THEN
		-- asked again: lend what was lent
		RETURN (SELECT t.amount FROM promo_draw.code_transfer t
		        WHERE t.transfer_id = shard_lend_code_room.transfer_id AND t.direction = 'out');
	END IF;
	-- the counters in a fixed order, so that lenders and redeemers never deadlock
	SELECT coalesce(sum(s.capacity - s.used), 0) INTO v_free
	FROM (SELECT s.capacity, s.used FROM promo_draw.code_shard s
	      WHERE s.code = v_code ORDER BY s.shard FOR UPDATE) s;
	-- half of what is free, so that the lender keeps room for its own customers
	v_give := least(wanted, greatest((v_free + 1) / 2, least(v_free, 1)));
	IF v_give = 0 THEN
		RETURN 0;
	END IF;
	v_left := v_give;
	FOR r IN SELECT s.shard, s.capacity - s.used AS free FROM promo_draw.code_shard s
	         WHERE s.code = v_code AND s.capacity > s.used ORDER BY s.capacity - s.used DESC, s.shard LOOP
		EXIT WHEN v_left = 0;
		UPDATE promo_draw.code_shard s SET capacity = s.capacity - least(r.free, v_left)
		WHERE s.code = v_code AND s.shard = r.shard;
		v_left := v_left - least(r.free, v_left);
	END LOOP;
	INSERT INTO promo_draw.code_transfer (transfer_id, code, amount, direction, peer)
	VALUES (shard_lend_code_room.transfer_id, v_code, v_give, 'out', to_node);
	RETURN v_give;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_lend_code_room(text, bigint, uuid, integer) IS
	'give up to wanted free places of a code (at most half of this node''s free room, at least one) to another node; returns how many';

CREATE FUNCTION promo_draw.shard_accept_code_room(code text, transfer_id uuid, amount bigint, from_node integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
BEGIN
	IF amount < 1 THEN
		RAISE EXCEPTION 'amount must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO promo_draw.code_transfer (transfer_id, code, amount, direction, peer)
	VALUES (shard_accept_code_room.transfer_id, v_code, amount, 'in', from_node)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	UPDATE promo_draw.code_shard s SET capacity = s.capacity + amount
	WHERE s.code = v_code
	  AND s.shard = (SELECT min(q.shard) FROM promo_draw.code_shard q WHERE q.code = v_code);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % has no limit on this node', v_code USING ERRCODE = 'PD010';
	END IF;
	RETURN true;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_accept_code_room(text, uuid, bigint, integer) IS
	'take in places of a code lent by another node, once per transfer_id; false if this transfer was taken in before';

CREATE FUNCTION promo_draw.shard_code_transfers(code text)
RETURNS SETOF promo_draw.code_transfer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM promo_draw.code_transfer t
	WHERE code IS NULL OR t.code = promo_draw.normalize_code(code)
$$;
COMMENT ON FUNCTION promo_draw.shard_code_transfers(text) IS
	'this node''s side of the transfers of a code''s room (every code''s for NULL)';

CREATE FUNCTION promo_draw.shard_code_counts()
RETURNS TABLE (code text, starts_at timestamptz, ends_at timestamptz, max_redemptions bigint,
	redeemed bigint, cancelled bigint, used numeric, capacity numeric, reward jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.code, c.starts_at, c.ends_at, c.max_redemptions, s.redeemed, s.cancelled,
	       (SELECT sum(q.used) FROM promo_draw.code_shard q WHERE q.code = c.code),
	       (SELECT sum(q.capacity) FROM promo_draw.code_shard q WHERE q.code = c.code),
	       c.reward
	FROM promo_draw.promo_code c
	JOIN promo_draw.code_summary s ON s.code = c.code
$$;
COMMENT ON FUNCTION promo_draw.shard_code_counts() IS
	'per code, this node''s redemptions and its part of the limit, for the proxy''s code_summary';

CREATE FUNCTION promo_draw.shard_instant_win_definition(instant_win_id bigint) RETURNS jsonb
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT to_jsonb(w) FROM promo_draw.instant_win w
	WHERE w.instant_win_id = shard_instant_win_definition.instant_win_id
$$;
COMMENT ON FUNCTION promo_draw.shard_instant_win_definition(bigint) IS
	'an instant win''s row, for promo_draw_proxy to copy to the other nodes';

CREATE FUNCTION promo_draw.shard_put_instant_win(definition jsonb) RETURNS bigint
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO promo_draw.instant_win OVERRIDING SYSTEM VALUE
	SELECT * FROM jsonb_populate_record(NULL::promo_draw.instant_win, definition)
	ON CONFLICT DO NOTHING;
	SELECT (definition->>'instant_win_id')::bigint;
$$;
COMMENT ON FUNCTION promo_draw.shard_put_instant_win(jsonb) IS
	'copy an instant win made on node 0 to this node (its pool is split between the nodes); returns its id';

CREATE FUNCTION promo_draw.shard_take_notifications(max_count integer)
	RETURNS SETOF promo_draw.notification
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	-- this node's share of max_count: together the nodes hand out at most max_count
	SELECT * FROM promo_draw.take_notifications(
		(SELECT max_count / s.nodes + CASE WHEN s.node < max_count % s.nodes THEN 1 ELSE 0 END
		 FROM promo_draw.shard_node s))
$$;
COMMENT ON FUNCTION promo_draw.shard_take_notifications(integer) IS
	'take_notifications for this node''s share of max_count messages';

REVOKE EXECUTE ON FUNCTION
	promo_draw.shard_configure(integer, integer),
	promo_draw.shard_node(),
	promo_draw.shard_draw_definition(bigint),
	promo_draw.shard_put_draw(jsonb),
	promo_draw.shard_draw_state(bigint),
	promo_draw.shard_draw_begin(bigint),
	promo_draw.shard_ineligible(bigint, bigint[]),
	promo_draw.shard_draw_tickets(bigint, integer, integer),
	promo_draw.shard_seal_begin(bigint),
	promo_draw.shard_sealed_entries(bigint),
	promo_draw.shard_seal_draw(bigint, bytea),
	promo_draw.shard_sealed_tickets(bigint, integer, integer),
	promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[]),
	promo_draw.shard_publish_draw(bigint, uuid, bigint[]),
	promo_draw.shard_draw_results(bigint),
	promo_draw.shard_put_code(text, timestamptz, timestamptz, bigint, jsonb, bigint),
	promo_draw.shard_put_codes(text[], timestamptz, timestamptz, jsonb),
	promo_draw.shard_redeem(text, bigint),
	promo_draw.shard_lend_code_room(text, bigint, uuid, integer),
	promo_draw.shard_accept_code_room(text, uuid, bigint, integer),
	promo_draw.shard_code_transfers(text),
	promo_draw.shard_code_counts(),
	promo_draw.shard_instant_win_definition(bigint),
	promo_draw.shard_put_instant_win(jsonb),
	promo_draw.shard_take_notifications(integer)
FROM PUBLIC;
