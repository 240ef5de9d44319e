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
--     with the C code.
--
-- Functions and views are changed in place with CREATE OR REPLACE, so
-- nothing that depends on them is dropped; PostgreSQL lets an extension
-- script replace only objects that already belong to the extension.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.3.0'" to load this file. \quit

ALTER TABLE promo_draw.draw
	ADD COLUMN eligibility_identity text,
	ADD COLUMN failed_runs integer NOT NULL DEFAULT 0,
	ADD COLUMN last_error text,
	ADD COLUMN last_error_at timestamptz;
COMMENT ON COLUMN promo_draw.draw.eligibility_identity IS
	'the eligibility function''s qualified name and arguments when the draw was created: a function dropped or replaced since is refused at draw time';
COMMENT ON COLUMN promo_draw.draw.failed_runs IS 'how many times run_due_draws() tried to draw it and failed';
COMMENT ON COLUMN promo_draw.draw.last_error IS 'the error of the last failed run_due_draws() attempt';
COMMENT ON COLUMN promo_draw.draw.last_error_at IS 'when the last run_due_draws() attempt failed';

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

CREATE OR REPLACE FUNCTION promo_draw.create_draw(
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
	eligibility regprocedure DEFAULT NULL)
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
	   OR create_draw.min_stake IS NULL OR create_draw.lose_message IS NULL THEN
		RAISE EXCEPTION 'only draw_at, stake_per_ticket, max_tickets_per_customer, default_prize and eligibility may be null'
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

	-- the seed goes straight from pg_strong_random() into the row
	INSERT INTO promo_draw.draw (name, opens_at, closes_at, draw_at, partitions,
		max_wins_per_customer, stake_per_ticket, min_stake, max_tickets_per_customer,
		milestones, requires_opt_in, default_prize, lose_message, eligibility,
		eligibility_identity, seed, seed_hash, created_by)
	SELECT create_draw.name, create_draw.opens_at, create_draw.closes_at,
		coalesce(create_draw.draw_at, create_draw.closes_at), create_draw.partitions,
		create_draw.max_wins_per_customer, create_draw.stake_per_ticket, create_draw.min_stake,
		create_draw.max_tickets_per_customer, v_milestones, create_draw.requires_opt_in,
		create_draw.default_prize, create_draw.lose_message, create_draw.eligibility,
		v_identity, s.seed, sha256(s.seed), v_caller
	FROM promo_draw.new_seed() AS s(seed)
	RETURNING draw.draw_id INTO v_draw_id;

	INSERT INTO promo_draw.partition_mark (draw_id, partition)
	SELECT v_draw_id, p FROM generate_series(0, create_draw.partitions - 1) p;

	RETURN v_draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure) IS
	'create a prize draw with a fresh secret seed; returns its draw_id';

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
       d.failed_runs, d.last_error, d.last_error_at
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
	'one row per draw: participants, tickets, prizes on offer and given, outcomes, and failed scheduled runs';

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
