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

-- The draw: bets arrive through two ingest partitions, each of which
-- reports when it has applied everything up to the draw time.
SELECT promo_draw.create_draw('Weekly Millions', closes_at => now() + interval '7 days',
                              opens_at => now() - interval '1 hour',
                              partitions => 2, milestones => '{1,10,25}',
                              default_prize => '10 free spins',
                              eligibility => 'public.may_win(bigint)') AS draw \gset
SELECT promo_draw.add_prize(:draw, 'Tesla Model 3', 40000, 1, '{"sku": "car"}'),
       promo_draw.add_prize(:draw, 'iPhone', 1200, 3, '{"sku": "phone"}'),
       promo_draw.add_prize(:draw, '50 EUR voucher', 50, 20, '{"sku": "voucher"}') \g /dev/null

\echo
\echo '-- 1. The draw is created; its seed stays secret, its hash is public now'
SELECT draw_id, name, status, partitions, draw_at::date AS draw_date,
       encode(seed_hash, 'hex') AS published_seed_hash
FROM promo_draw.draw WHERE draw_id = :draw;

\echo
\echo '-- 2. A week of play: 20,000 customers earn tickets (most a few, some many)'
\timing on
SELECT count(*) AS customers, sum(t) AS tickets_awarded
FROM (SELECT promo_draw.award_tickets(:draw, c, 1 + (c * 7919) % 40 / (1 + (c % 5))) AS t
      FROM generate_series(1, 20000) c) s;
\timing off
SELECT count(*) FILTER (WHERE kind = 'milestone' AND payload->>'milestone' = '1') AS "1st-ticket messages",
       count(*) FILTER (WHERE kind = 'milestone' AND payload->>'milestone' = '10') AS "10-ticket messages",
       count(*) FILTER (WHERE kind = 'milestone' AND payload->>'milestone' = '25') AS "25-ticket messages"
FROM promo_draw.notification WHERE draw_id = :draw;

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
SELECT r.place, r.customer_id, c.name, r.prize, p.value AS prize_value, e.tickets AS tickets_held
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
