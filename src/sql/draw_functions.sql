
/*
 * Prize draws: functions.  Functions that write are SECURITY DEFINER with a
 * pinned search_path, so application roles need no rights on the tables.
 */

CREATE FUNCTION promo_draw.new_seed() RETURNS bytea
	AS 'MODULE_PATHNAME', 'new_seed'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.new_seed() IS
	'32 bytes from pg_strong_random() for a new draw''s seed; fails rather than fall back to a weaker source';

CREATE FUNCTION promo_draw.calling_role() RETURNS regrole
	AS 'MODULE_PATHNAME', 'calling_role'
	LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION promo_draw.calling_role() IS
	'the role calling promo_draw, as seen from inside its SECURITY DEFINER functions';

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

CREATE FUNCTION promo_draw.add_prize(draw_id bigint, name text, value numeric,
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

CREATE FUNCTION promo_draw.opt_in(draw_id bigint, customer_id bigint) RETURNS void
	AS 'MODULE_PATHNAME', 'opt_in'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.opt_in(bigint, bigint) IS
	'the customer takes part in a draw that requires opt-in; refused once the draw is ready';

CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_id bigint, n bigint DEFAULT 1)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'award_tickets'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint, bigint) IS
	'give a customer n (1 to 10,000,000) more tickets, capped by max_tickets_per_customer; returns the customer''s ticket count';

CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_ids bigint[],
	counts bigint[] DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'award_tickets_batch'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) IS
	'a batch of awards (counts NULL: one ticket each), as single calls in order would give them; returns the tickets issued';

CREATE FUNCTION promo_draw.close_partition(draw_id bigint, partition integer) RETURNS boolean
	AS 'MODULE_PATHNAME', 'close_partition'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.close_partition(bigint, integer) IS
	'an ingest partition reports the draw time; returns true once every partition has reported and the draw is ready';

CREATE FUNCTION promo_draw.run_draw(draw_id bigint)
	RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint,
	               prize text, outcome text)
	AS 'MODULE_PATHNAME', 'run_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.run_draw(bigint) IS
	'draw a ready draw and return its results by place; again, returns the stored results and writes nothing';

CREATE FUNCTION promo_draw.run_due_draws() RETURNS integer
	AS 'MODULE_PATHNAME', 'run_due_draws'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.run_due_draws() IS
	'draw every ready draw whose draw_at has passed (for pg_cron, every minute); returns how many it drew';

CREATE FUNCTION promo_draw.cancel_draw(draw_id bigint, reason text DEFAULT NULL) RETURNS void
	AS 'MODULE_PATHNAME', 'cancel_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.cancel_draw(bigint, text) IS
	'cancel a draw that has not been drawn: it takes no more tickets and will never be drawn';

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

-- draw_among: src/sql/draw_among.sql


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

/*
 * What may be read once a draw is drawn.  Until then the seed and the
 * customers' best tickets are secret: together they would tell who wins.
 * security_barrier keeps a caller's functions from seeing filtered rows.
 */
CREATE VIEW promo_draw.draw_reveal WITH (security_barrier) AS
SELECT d.draw_id, d.seed, d.seed_hash, d.drawn_at
FROM promo_draw.draw d
WHERE d.status = 'drawn';
COMMENT ON VIEW promo_draw.draw_reveal IS
	'the seed of every drawn draw, for anyone to recompute its tickets and results';

CREATE VIEW promo_draw.entry_reveal WITH (security_barrier) AS
SELECT e.draw_id, e.customer_id, e.tickets, e.best, e.opted_in
FROM promo_draw.entry e
JOIN promo_draw.draw d ON d.draw_id = e.draw_id
WHERE d.status = 'drawn' OR (d.sealed AND d.status = 'sealed');
COMMENT ON VIEW promo_draw.entry_reveal IS
	'customers'' ticket counts and best tickets in drawn draws, and the frozen ticket counts of sealed draws';

CREATE VIEW promo_draw.draw_summary AS
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

CREATE VIEW promo_draw.customer_result AS
SELECT r.draw_id, d.name AS draw_name, r.customer_id, r.place, r.outcome,
       CASE r.outcome WHEN 'won' THEN p.name WHEN 'default' THEN d.default_prize END AS prize,
       p.value AS prize_value, p.payload AS prize_payload, r.ticket, d.drawn_at
FROM promo_draw.result r
JOIN promo_draw.draw d ON d.draw_id = r.draw_id
LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id;
COMMENT ON VIEW promo_draw.customer_result IS
	'every draw result with the draw and prize it names; filter by customer_id';

