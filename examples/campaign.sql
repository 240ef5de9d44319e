-- The main job: a week's promotion run end to end, as an operator would,
-- with a readable report: a prize draw fed by a stream of bets, a welcome
-- code with a limit, an instant-win calendar, a wagering bonus and a sealed
-- Bonus Time draw.  Run by
-- tools/run demo on a throwaway cluster.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
SET client_min_messages = warning;
SET search_path = public;

\echo
\echo '================================================================'
\echo ' promo_draw demo: the Weekly Millions campaign'
\echo '================================================================'

-- Customers, a few of them self-excluded: they must never win or be
-- messaged.
CREATE TABLE customer (customer_id bigint PRIMARY KEY, name text, self_excluded boolean NOT NULL);
INSERT INTO customer
SELECT c, 'customer ' || c, c % 997 = 0 FROM generate_series(1, 20000) c;
CREATE FUNCTION public.may_win(who bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT NOT c.self_excluded FROM public.customer c WHERE c.customer_id = who
$$;

-- The draw: every 10.00 staked earns a ticket (bets of 1.00 or more), and
-- bets arrive through two ingest partitions, each of which reports when it
-- has applied everything up to the draw time.
SELECT promo_draw.create_draw('Weekly Millions', closes_at => now() + interval '7 days',
                              opens_at => now() - interval '1 hour',
                              stake_per_ticket => 10, min_stake => 1,
                              partitions => 2, milestones => '{1,10,25}',
                              default_prize => '10 free spins',
                              eligibility => 'public.may_win(bigint)') AS draw \gset
SELECT promo_draw.add_prize(:draw, 'Tesla Model 3', 40000, 1, '{"sku": "car"}'),
       promo_draw.add_prize(:draw, 'iPhone', 1200, 3, '{"sku": "phone"}'),
       promo_draw.add_prize(:draw, '50 EUR voucher', 50, 20, '{"sku": "voucher"}') \g /dev/null

\echo
\echo '-- 1. The draw is created; its seed stays secret, its hash is public now'
SELECT draw_id, name, status, stake_per_ticket, partitions, draw_at::date AS draw_date,
       encode(seed_hash, 'hex') AS published_seed_hash
FROM promo_draw.draw WHERE draw_id = :draw;

\echo
\echo '-- 2. A week of play: 200,000 bets from 20,000 customers stream in through two'
\echo '--    partitions, 1,000 bets a batch; one batch is delivered twice'
-- the bet feed: a few big players, many small ones; offsets rise per partition
CREATE TEMP TABLE feed AS
SELECT n, 1 + (n * 7919) % 20000 AS customer_id,
       round((0.5 + ((n * 104729) % 1000) / 1000.0 * (CASE WHEN n % 97 = 0 THEN 400 ELSE 20 END))::numeric, 2) AS amount,
       (n % 2)::int AS partition,
       (n + 1) / 2 AS source_offset
FROM generate_series(1::bigint, 200000) n;
CREATE TEMP TABLE progress (batch int, bets bigint, tickets bigint, milestone_messages bigint);
CREATE PROCEDURE pg_temp.stream(draw bigint) LANGUAGE plpgsql AS $$
DECLARE
	b int := 0;
	issued bigint := 0;
	r record;
BEGIN
	FOR r IN SELECT partition, (source_offset - 1) / 1000 AS chunk,
	                array_agg(customer_id ORDER BY source_offset) AS customers,
	                array_agg(amount ORDER BY source_offset) AS amounts,
	                array_agg(source_offset ORDER BY source_offset) AS offsets
	         FROM feed GROUP BY 1, 2 ORDER BY 2, 1
	LOOP
		b := b + 1;
		issued := issued + promo_draw.record_stakes(draw, r.customers, r.amounts,
		                                            partition => r.partition, source_offsets => r.offsets);
		IF b = 100 THEN
			-- at-least-once delivery: the broker sends this batch again
			issued := issued + promo_draw.record_stakes(draw, r.customers, r.amounts,
			                                            partition => r.partition, source_offsets => r.offsets);
		END IF;
		IF b % 50 = 0 THEN
			INSERT INTO progress
			SELECT b, b * 1000, issued,
			       (SELECT count(*) FROM promo_draw.notification WHERE draw_id = draw AND kind = 'milestone');
		END IF;
	END LOOP;
END
$$;
\timing on
CALL pg_temp.stream(:draw);
\timing off
SELECT batch, bets AS bets_sent, tickets AS tickets_issued, milestone_messages
FROM progress ORDER BY batch;
\echo 'the replayed batch counted once: stake counted = every bet of the feed once'
SELECT count(*) AS customers, sum(stake) AS stake_counted,
       (SELECT sum(amount) FROM feed WHERE amount >= 1) AS stake_in_feed,
       sum(tickets) AS tickets, sum(floor(stake / 10)) AS floor_stake_over_10
FROM promo_draw.entry WHERE draw_id = :draw;
\echo 'customer 42, as the app would show it:'
SELECT * FROM promo_draw.ticket_progress(:draw, 42);
\echo 'the first messages in the outbox:'
SELECT notification_id, customer_id, kind, payload
FROM promo_draw.take_notifications(3);

\echo
\echo '-- 3. The partitions report; the second report makes the draw ready'
SELECT promo_draw.close_partition(:draw, 0) AS ready_after_partition_0;
SELECT promo_draw.close_partition(:draw, 1) AS ready_after_partition_1;

\echo
\echo '-- 4. The draw runs (pg_cron would call run_due_draws() every minute)'
\timing on
SELECT count(*) AS results FROM promo_draw.run_draw(:draw);
\timing off

\echo
\echo '-- 5. Winners, most valuable prize first'
SELECT r.place, r.customer_id, c.name, r.prize, p.value AS prize_value, e.stake, e.tickets AS tickets_held
FROM promo_draw.run_draw(:draw) r
JOIN customer c USING (customer_id)
JOIN promo_draw.prize p USING (prize_id)
JOIN promo_draw.entry e ON e.draw_id = :draw AND e.customer_id = r.customer_id
WHERE r.outcome = 'won'
ORDER BY p.value DESC, r.place
LIMIT 8;

\echo
\echo '-- 6. Summary'
SELECT participants, tickets, prize_units, prize_value, won, "default", lost, ineligible, value_won
FROM promo_draw.draw_summary WHERE draw_id = :draw;
SELECT kind, count(*) AS messages
FROM promo_draw.notification WHERE draw_id = :draw AND kind <> 'milestone'
GROUP BY kind ORDER BY kind;
SELECT count(*) AS self_excluded_customers_messaged
FROM promo_draw.notification n JOIN customer c USING (customer_id)
WHERE n.draw_id = :draw AND c.self_excluded AND n.kind <> 'milestone';

\echo
\echo '-- 7. Anyone can now verify the draw in plain SQL from the revealed seed'
SELECT encode(seed, 'hex') AS revealed_seed FROM promo_draw.draw_reveal WHERE draw_id = :draw;
\timing on
SELECT check_name, ok, detail FROM promo_draw.verify_draw(:draw);
\timing off

\echo
\echo '-- 8. Running the draw again changes nothing'
SELECT count(*) AS results_returned,
       (SELECT count(*) FROM promo_draw.result WHERE draw_id = :draw) AS results_stored
FROM promo_draw.run_draw(:draw);
\echo

\echo
\echo '-- 9. A welcome code limited to 500: 800 new customers try it, some twice'
SELECT promo_draw.create_code('Welcome-Millions', now() - interval '1 hour', now() + interval '7 days',
                              max_redemptions => 500, reward => '{"bonus": 20, "playthrough": 10}') \g /dev/null
CREATE TEMP TABLE attempt (customer_id bigint, outcome text);
CREATE FUNCTION pg_temp.try_redeem(code text, who bigint) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM promo_draw.redeem(code, who);
	RETURN 'redeemed';
EXCEPTION WHEN SQLSTATE 'PD013' THEN RETURN 'refused: already redeemed';
          WHEN SQLSTATE 'PD014' THEN RETURN 'refused: code exhausted';
END
$$;
INSERT INTO attempt
SELECT c, pg_temp.try_redeem(CASE WHEN c % 2 = 0 THEN 'welcome-millions' ELSE 'WELCOME-MILLIONS' END, c)
FROM generate_series(30001, 30800) c, generate_series(1, CASE WHEN c % 10 = 0 THEN 2 ELSE 1 END);
SELECT outcome, count(*) AS attempts FROM attempt GROUP BY outcome ORDER BY outcome;
SELECT code, max_redemptions, redeemed, remaining FROM promo_draw.code_summary WHERE code = 'WELCOME-MILLIONS';

\echo
\echo '-- 10. An instant-win advent calendar: 2,000 doors, 60 prizes, shuffled in advance'
SELECT promo_draw.create_instant_win('Advent calendar', now() - interval '1 hour', now() + interval '24 days') AS iw \gset
SELECT promo_draw.add_instant_prizes(:iw, '25 free spins', 50), promo_draw.add_instant_prizes(:iw, '100 EUR cash', 9),
       promo_draw.add_instant_prizes(:iw, 'Trip to Monaco', 1), promo_draw.add_instant_prizes(:iw, NULL, 1940) \g /dev/null
SELECT promo_draw.shuffle_instant_win(:iw) AS doors_shuffled;
CREATE TEMP TABLE play AS
SELECT c AS customer_id, p.prize, p.outcome
FROM generate_series(1, 2100) c, LATERAL promo_draw.instant_win(:iw, c) p;
SELECT outcome, coalesce(prize, '-') AS prize, count(*) AS plays
FROM play GROUP BY outcome, prize ORDER BY outcome DESC, count(*);
SELECT name, units, prize_units, claimed, won, prizes_left FROM promo_draw.instant_win_summary
WHERE instant_win_id = :iw;

\echo
\echo '-- 11. The welcome bonus: 20.00 at 10x for the first 200 redeemers, played on'
\echo '--     slots (96% payout) and blackjack (counts 10%); every 5th event sent twice'
SELECT promo_draw.grant_bonus(customer_id, 20, 10, now() + interval '30 days', min_stake => 0.20) AS bonus_id,
       customer_id
INTO TEMP granted
FROM (SELECT customer_id FROM attempt WHERE outcome = 'redeemed' ORDER BY customer_id LIMIT 200) r;
CREATE PROCEDURE pg_temp.play_bonuses() LANGUAGE plpgsql AS $$
DECLARE
	g record;
	s record;
	stake numeric;
	h bigint;
BEGIN
	FOR g IN SELECT * FROM granted ORDER BY bonus_id LOOP
		FOR spin IN 1 .. 200 LOOP
			SELECT * INTO s FROM promo_draw.bonus_state(g.bonus_id);
			EXIT WHEN NOT s.accepts_bets;
			h := abs(hashint8(g.bonus_id * 100003 + spin));
			stake := least(2.00, s.balance);
			FOR delivery IN 1 .. CASE WHEN spin % 5 = 0 THEN 2 ELSE 1 END LOOP
				IF spin % 10 = 0 THEN
					-- a blackjack hand: even money half the time
					PERFORM promo_draw.bonus_bet(g.bonus_id, stake, 0.1, 'hand-' || spin);
					PERFORM promo_draw.bonus_win(g.bonus_id, CASE WHEN h % 2 = 0 THEN 2 * stake ELSE 0 END,
					                             'hand-' || spin);
				ELSE
					-- a slot spin that pays 3.84x a quarter of the time: 96%
					PERFORM promo_draw.bonus_bet(g.bonus_id, stake, 1, 'spin-' || spin);
					PERFORM promo_draw.bonus_win(g.bonus_id, CASE WHEN h % 4 = 0 THEN round(stake * 3.84, 2) ELSE 0 END,
					                             'spin-' || spin);
				END IF;
			END LOOP;
		END LOOP;
	END LOOP;
END
$$;
\timing on
CALL pg_temp.play_bonuses();
\timing off
SELECT s.status, count(*) AS bonuses, round(avg(s.wagered), 2) AS avg_wagered,
       sum(s.balance) FILTER (WHERE s.cleared) AS cash_paid_out
FROM granted g, LATERAL promo_draw.bonus_state(g.bonus_id) s
GROUP BY s.status ORDER BY s.status;
SELECT count(*) AS events, count(*) FILTER (WHERE kind = 'bet') AS bets, count(*) FILTER (WHERE kind = 'win') AS wins,
       (SELECT count(*) FROM promo_draw.notification WHERE kind = 'bonus_cleared') AS cleared_messages
FROM promo_draw.bonus_event;
\echo 'what the bonus is worth, by the formula and by simulation (100,000 players each):'
SELECT payout_rate, promo_draw.playthrough_expected_balance(20, 10, payout_rate) AS formula,
       s.mean_balance AS simulated_mean, s.clear_rate, s.p05_balance, s.p95_balance
FROM (VALUES (0.96), (0.97), (0.98)) r(payout_rate),
     LATERAL promo_draw.simulate_playthrough(20, 10, payout_rate, 1, 100000, 2.5, 2026) s;
\echo

\echo
\echo '-- 12. Bonus Time, sealed: a draw among the 1,000 biggest stakers of the week,'
\echo '--     one ticket per 100.00 staked, that nobody, the operator included, can'
\echo '--     predict: there is no seed; the order comes from a public beacon value'
\echo '--     published after the entries are sealed'
SELECT promo_draw.draw_among('Bonus Time', array_agg(customer_id ORDER BY customer_id),
         '[{"name": "100 free spins", "value": 20, "quantity": 10},
           {"name": "VIP weekend", "value": 2500}]',
         beacon_source => 'drand quicknet: the round due at beacon_due_at',
         beacon_due_at => clock_timestamp() + interval '3 seconds',
         tickets => array_agg(greatest(1, floor(stake / 100))::bigint ORDER BY customer_id)) AS bonus_time
FROM (SELECT customer_id, stake FROM promo_draw.entry WHERE draw_id = :draw
      ORDER BY stake DESC, customer_id LIMIT 1000) top \gset
\echo 'sealed: the digest below is published now, before the beacon value is due'
\echo '(the seal had to commit before beacon_due_at, or the draw could only be cancelled)'
SELECT status, participants, tickets, seal_committed_at < beacon_due_at AS sealed_in_time,
       encode(entry_digest, 'hex') AS entry_digest, beacon_source
FROM promo_draw.draw_summary WHERE draw_id = :bonus_time;
\if :{?digest_file}
\pset tuples_only on
\pset format unaligned
SELECT encode(entry_digest, 'hex') FROM promo_draw.draw WHERE draw_id = :bonus_time \g :digest_file
\pset tuples_only off
\pset format aligned
\endif
\echo 'before the beacon the draw cannot run:'
DO $$
BEGIN
	PERFORM promo_draw.run_draw((SELECT max(draw_id) FROM promo_draw.draw));
EXCEPTION WHEN SQLSTATE 'PD041' THEN
	RAISE WARNING 'run_draw refused (PD041): %', SQLERRM;
END
$$;
\echo 'before its due time no beacon value is taken either; three seconds later the'
\echo 'beacon publishes the round due then, and the operator takes it (this demo has'
\echo 'no network, so a fixed value stands for the round):'
SELECT pg_sleep_until(beacon_due_at) FROM promo_draw.draw_summary WHERE draw_id = :bonus_time \gset
SELECT promo_draw.set_beacon(:bonus_time, sha256('drand quicknet round 12345678'), 'drand quicknet round 12345678');
SELECT r.place, r.customer_id, r.prize, e.tickets AS tickets_held
FROM promo_draw.run_draw(:bonus_time) r
JOIN promo_draw.entry e ON e.draw_id = :bonus_time AND e.customer_id = r.customer_id
WHERE r.outcome = 'won' ORDER BY r.place;
\echo 'anyone can check it in SQL: the digest, the beacon, every result and message'
SELECT check_name, ok, detail FROM promo_draw.verify_draw(:bonus_time);
\if :{?record_file}
\echo 'and anyone can check it without this database: the operator publishes its'
\echo 'record (draw_record: entries by reference, no customer id)'
\pset tuples_only on
\pset format unaligned
SELECT promo_draw.draw_record(:bonus_time) \g :record_file
\pset tuples_only off
\pset format aligned
\endif
\echo
