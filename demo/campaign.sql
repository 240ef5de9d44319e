-- The main job: a weekly prize draw run end to end, as an operator would,
-- with a readable report.  Run by tools/run demo on a throwaway cluster.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
SET client_min_messages = warning;
SET search_path = public;

\echo
\echo '================================================================'
\echo ' promo_draw demo: the Weekly Millions prize draw'
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
