--
-- Draw semantics, rule by rule: repeated tickets, wins per customer, the
-- default prize, opt-in, eligibility, more prizes than tickets, no prizes,
-- no participants.  Each draw has a fixed seed, so results are stable.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- A ready draw with a known seed; customers get tickets as given.
CREATE FUNCTION pg_temp.new_draw(label text, tickets int[], max_wins int DEFAULT 1,
                                 default_prize text DEFAULT NULL, opt_in bool DEFAULT false,
                                 eligibility regprocedure DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	d bigint;
BEGIN
	d := promo_draw.create_draw(label, '2100-01-01', opens_at => '2000-01-01', partitions => 1,
	                            max_wins_per_customer => max_wins, default_prize => default_prize,
	                            requires_opt_in => opt_in, eligibility => eligibility,
	                            milestones => '{}');
	PERFORM fix_seed(d, label);
	FOR c IN 1 .. cardinality(tickets) LOOP
		IF tickets[c] > 0 THEN
			PERFORM promo_draw.award_tickets(d, c, tickets[c]);
		END IF;
	END LOOP;
	RETURN d;
END
$$;

-- The draw's results, with each customer's best tickets for reference.
CREATE FUNCTION pg_temp.show(d bigint)
RETURNS TABLE (place bigint, customer_id bigint, outcome text, prize text, ticket_rank int)
LANGUAGE sql AS $$
	SELECT r.place, r.customer_id, r.outcome, r.prize,
	       array_position(e.best, r.ticket) AS ticket_rank
	FROM promo_draw.run_draw(d) r
	JOIN promo_draw.entry e ON e.draw_id = d AND e.customer_id = r.customer_id
	ORDER BY r.place
$$;

--
-- several wins per customer: with max_wins_per_customer = 2 a customer
-- holding the two best tickets takes two prizes, never three
--
SELECT pg_temp.new_draw('two wins', '{50, 1, 1}', max_wins => 2) AS d \gset
SELECT add_prize(:d, 'Gold', 100, 1), add_prize(:d, 'Silver', 50, 3);
SELECT customer_id, cardinality(best) AS kept FROM entry WHERE draw_id = :d ORDER BY 1;
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);
SELECT customer_id, count(*) AS wins FROM result WHERE draw_id = :d AND outcome = 'won'
GROUP BY 1 ORDER BY 1;

--
-- repeated tickets: a ticket equal to the one before it is ignored, and the
-- prize passes on; the customer who held the repeat and won nothing is
-- consoled at its place.  HMAC values never repeat, so make customers 1 and
-- 2 hold the same best ticket by hand.
--
SELECT pg_temp.new_draw('repeats', '{3, 3, 3, 3}') AS d \gset
SELECT add_prize(:d, 'Prize', 10, 2);
UPDATE entry SET best = '{ffffffff-ffff-ffff-ffff-ffffffffffff}'
WHERE draw_id = :d AND customer_id IN (1, 2);
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);

--
-- the default prize: customers who win nothing get it instead of the lose
-- message; winners get no consolation
--
SELECT pg_temp.new_draw('default prize', '{1, 2, 3, 4}', default_prize => '10 free spins') AS d \gset
SELECT add_prize(:d, 'Voucher', 25, 1);
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);
SELECT customer_id, kind, payload->>'prize' AS prize, payload->>'message' AS message
FROM notification WHERE draw_id = :d ORDER BY customer_id;

--
-- opt-in: only customers who opted in take part; a customer who opted in
-- without tickets holds no ticket and gets no result
--
SELECT pg_temp.new_draw('opt-in', '{2, 2, 2, 0}', opt_in => true) AS d \gset
SELECT opt_in(:d, 2), opt_in(:d, 3), opt_in(:d, 4), opt_in(:d, 3);
SELECT add_prize(:d, 'Prize', 5, 1);
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);
SELECT participants, tickets_total FROM draw WHERE draw_id = :d;

--
-- eligibility: asked only about customers who would win; an ineligible
-- customer gets one 'ineligible' result and no message, and the prize
-- passes to the next ticket.  The function counts its calls with a
-- sequence: its writes are undone after every call (sql/eligibility.sql),
-- sequences are not.
--
CREATE TABLE promo_test.excluded (customer_id bigint PRIMARY KEY);
CREATE SEQUENCE promo_test.asked_calls;
CREATE FUNCTION promo_test.not_excluded(customer bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	PERFORM nextval('promo_test.asked_calls');
	RETURN NOT EXISTS (SELECT FROM promo_test.excluded WHERE customer_id = customer);
END
$$;
CREATE VIEW promo_test.asked AS
SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS calls FROM promo_test.asked_calls;
SELECT pg_temp.new_draw('eligibility', '{1, 1, 1, 1, 1, 1}',
                        eligibility => 'not_excluded(bigint)') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 2);
-- exclude the customer holding the best ticket
INSERT INTO excluded SELECT customer_id FROM entry WHERE draw_id = :d ORDER BY best[1] DESC LIMIT 1;
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);
SELECT calls AS asked FROM asked;
SELECT r.outcome, count(n.*) AS messages
FROM result r LEFT JOIN notification n ON n.draw_id = r.draw_id AND n.customer_id = r.customer_id
WHERE r.draw_id = :d GROUP BY 1 ORDER BY 1;

SELECT bool_and(ok) AS verifies FROM verify_draw(:d);

-- the default prize is a prize too: a customer about to get it is asked
-- first, and an ineligible one gets neither the prize nor a message
ALTER SEQUENCE promo_test.asked_calls RESTART;
SELECT pg_temp.new_draw('default eligibility', '{1, 1, 1, 1, 1, 1}', default_prize => 'Free spins',
                        eligibility => 'not_excluded(bigint)') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 1);
DELETE FROM excluded;
-- exclude the customers holding the best and the worst tickets
INSERT INTO excluded SELECT customer_id FROM entry WHERE draw_id = :d ORDER BY best[1] DESC LIMIT 1;
INSERT INTO excluded SELECT customer_id FROM entry WHERE draw_id = :d ORDER BY best[1] LIMIT 1;
-- every message so far handed out, so that only this draw's remain
SELECT count(*) > 0 AS earlier_taken FROM take_notifications(100000);
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);
SELECT calls AS asked FROM asked;
SELECT r.outcome, count(n.*) AS messages
FROM result r LEFT JOIN notification n ON n.draw_id = r.draw_id AND n.customer_id = r.customer_id
WHERE r.draw_id = :d GROUP BY 1 ORDER BY 1;
SELECT bool_and(ok) AS verifies FROM verify_draw(:d);
-- handed out two at a time, past the ineligible results (which have none)
CREATE TEMP TABLE took AS SELECT 0 AS call, n.* FROM notification n LIMIT 0;
DO $$ BEGIN
	FOR i IN 1..5 LOOP
		INSERT INTO took SELECT i, n.* FROM promo_draw.take_notifications(2) n;
	END LOOP;
END $$;
SELECT call, kind FROM took ORDER BY notification_id;
SELECT count(*) AS taken, count(DISTINCT t.notification_id) AS distinct_ids,
       count(*) FILTER (WHERE t.draw_id = :d) AS of_this_draw,
       (SELECT count(*) FROM result WHERE draw_id = :d AND outcome <> 'ineligible') AS results_with_a_message,
       (SELECT count(*) FROM outcome_delivery WHERE draw_id = :d) AS delivery_rows,
       (SELECT count(*) FROM notification WHERE delivered_at IS NULL) AS undelivered
FROM took t;

-- an eligibility function that raises an error stops the draw, which
-- writes nothing
CREATE FUNCTION promo_test.broken_rule(customer bigint) RETURNS boolean LANGUAGE sql
	AS $$ SELECT 1 / 0 = 1 $$;
SELECT pg_temp.new_draw('broken rule', '{1, 1}', eligibility => 'broken_rule(bigint)') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 1);
SELECT close_partition(:d, 0);
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d));
SELECT status, (SELECT count(*) FROM result WHERE draw_id = :d) AS results FROM draw WHERE draw_id = :d;

-- the eligibility function runs as a security-restricted operation: it
-- cannot, say, create a temporary table
CREATE FUNCTION promo_test.sneaky(customer bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	CREATE TEMP TABLE sneaky_notes (note text);
	RETURN true;
END
$$;
SELECT pg_temp.new_draw('sneaky rule', '{1}', eligibility => 'sneaky(bigint)') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 1);
SELECT close_partition(:d, 0);
SELECT code, message FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d));

--
-- more prizes than tickets: everyone wins, prizes are left over
--
SELECT pg_temp.new_draw('plenty', '{1, 1}') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 10);
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);

--
-- no prizes: everyone is consoled; no participants: nothing to write
--
SELECT pg_temp.new_draw('no prizes', '{1, 2}') AS d \gset
SELECT close_partition(:d, 0);
SELECT * FROM pg_temp.show(:d);
SELECT pg_temp.new_draw('nobody', '{}') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 1);
SELECT close_partition(:d, 0);
SELECT count(*) AS results FROM run_draw(:d);
SELECT status, participants, tickets_total FROM draw WHERE draw_id = :d;

-- place is unique in every draw and every result row has one
SELECT count(*) AS rows, count(DISTINCT (draw_id, place)) AS distinct_places,
       count(*) FILTER (WHERE place IS NULL) AS without_place
FROM result;

--
-- whose rights the eligibility function runs with: the draw's creator's,
-- checked again at draw time, never its owner's
--
CREATE ROLE regress_draw_maker NOLOGIN;
GRANT USAGE ON SCHEMA promo_draw TO regress_draw_maker;
GRANT EXECUTE ON FUNCTION
	promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer,
	                       integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text,
	                       timestamptz),
	promo_draw.add_prize(bigint, text, numeric, integer, jsonb)
TO regress_draw_maker;
CREATE TABLE promo_test.rule_secret (customer_id bigint);
CREATE FUNCTION promo_test.logged_rule(customer bigint) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	RAISE NOTICE 'eligibility asked as %', current_user;
	RETURN true;
END
$$;
CREATE FUNCTION promo_test.secret_rule(customer bigint) RETURNS boolean LANGUAGE sql
	AS $$ SELECT NOT EXISTS (SELECT FROM promo_test.rule_secret WHERE customer_id = customer) $$;
REVOKE EXECUTE ON FUNCTION promo_test.logged_rule(bigint), promo_test.secret_rule(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION promo_test.logged_rule(bigint), promo_test.secret_rule(bigint) TO regress_draw_maker;

-- runs as the creator (the function's owner is a superuser)
SET ROLE regress_draw_maker;
SELECT promo_draw.create_draw('made by a role', '2100-01-01', opens_at => '2000-01-01',
                              partitions => 1, eligibility => 'promo_test.logged_rule(bigint)') AS d \gset
SELECT promo_draw.add_prize(:d, 'Prize', 5, 1) > 0 AS prize_added;
RESET ROLE;
SELECT count(award_tickets(:d, c, 1)) FROM generate_series(1, 3) c;
SELECT close_partition(:d, 0);
SELECT count(*) AS results FROM run_draw(:d);

-- a function that reads what its owner may read and the creator may not:
-- the creator cannot borrow the owner's rights through it
SET ROLE regress_draw_maker;
SELECT promo_draw.create_draw('borrowed rights', '2100-01-01', opens_at => '2000-01-01',
                              partitions => 1, eligibility => 'promo_test.secret_rule(bigint)') AS d \gset
RESET ROLE;
SELECT add_prize(:d, 'Prize', 5, 1), award_tickets(:d, 1, 1), close_partition(:d, 0);
SELECT code, message FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d));
SELECT status FROM draw WHERE draw_id = :d;
SELECT cancel_draw(:d);

-- EXECUTE is checked again at draw time
SET ROLE regress_draw_maker;
SELECT promo_draw.create_draw('right revoked', '2100-01-01', opens_at => '2000-01-01',
                              partitions => 1, eligibility => 'promo_test.logged_rule(bigint)') AS d \gset
RESET ROLE;
SELECT add_prize(:d, 'Prize', 5, 1), award_tickets(:d, 1, 1), close_partition(:d, 0);
REVOKE EXECUTE ON FUNCTION promo_test.logged_rule(bigint) FROM regress_draw_maker;
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d));
SELECT cancel_draw(:d);

-- an OID that names no function is refused when the draw is created
SELECT * FROM error_of($$SELECT create_draw('no such rule', '2100-01-01', eligibility => '999999'::regprocedure)$$);

-- a function dropped after the draw was created is refused at draw time,
-- and so is another function that got its OID (simulated by pointing the
-- draw's OID at another function)
CREATE FUNCTION promo_test.dropped_rule(customer bigint) RETURNS boolean LANGUAGE sql AS $$ SELECT true $$;
SELECT create_draw('dropped rule', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   eligibility => 'promo_test.dropped_rule(bigint)') AS d \gset
SELECT eligibility_identity FROM draw WHERE draw_id = :d;
SELECT add_prize(:d, 'Prize', 5, 1), award_tickets(:d, 1, 1), close_partition(:d, 0);
DROP FUNCTION promo_test.dropped_rule(bigint);
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d));
UPDATE draw SET eligibility = 'promo_test.secret_rule(bigint)' WHERE draw_id = :d;
SELECT code, message FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :d));
SELECT cancel_draw(:d);

DROP FUNCTION promo_test.logged_rule(bigint), promo_test.secret_rule(bigint);
DROP TABLE promo_test.rule_secret;
REVOKE ALL ON SCHEMA promo_draw FROM regress_draw_maker;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA promo_draw FROM regress_draw_maker;
DROP ROLE regress_draw_maker;

DROP FUNCTION promo_test.not_excluded(bigint), promo_test.broken_rule(bigint), promo_test.sneaky(bigint);
DROP VIEW promo_test.asked;
DROP SEQUENCE promo_test.asked_calls;
DROP TABLE promo_test.excluded;

-- a draw's ids need not rise with its places (a customer consoled at the end
-- of the walk, at the place of an earlier ticket, gets a later id): a take
-- that hands out later places and not an earlier one never passes it by
SELECT count(*) > 0 AS earlier_taken FROM take_notifications(100000);
SELECT pg_temp.new_draw('ids out of place order', '{1, 1, 1, 1, 1, 1}') AS d \gset
SELECT add_prize(:d, 'Prize', 5, 1);
SELECT close_partition(:d, 0);
SELECT count(*) FROM run_draw(:d);
UPDATE result SET notification_id = (SELECT max(notification_id) FROM result) + 1000000
WHERE draw_id = :d AND place = (SELECT min(place) FROM result WHERE draw_id = :d);
-- messages of another draw, with ids between the draw's and its first place's
SELECT create_draw('later messages', '2100-01-01', opens_at => '2000-01-01') AS e \gset
SELECT count(award_tickets(:e, c, 1)) FROM generate_series(1, 6) c;
TRUNCATE took;
DO $$ BEGIN
	FOR i IN 1..7 LOOP
		INSERT INTO took SELECT i, n.* FROM promo_draw.take_notifications(2) n;
	END LOOP;
END $$;
SELECT count(*) FILTER (WHERE t.draw_id = :d) AS of_the_draw,
       count(*) FILTER (WHERE t.draw_id = :e) AS of_the_other,
       count(DISTINCT t.notification_id) AS distinct_ids,
       (SELECT count(*) FROM notification WHERE delivered_at IS NULL) AS undelivered,
       (SELECT count(*) FROM outcome_delivery WHERE draw_id = :d) AS delivery_rows
FROM took t;
