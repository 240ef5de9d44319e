-- The weekly campaign on a sharded deployment: a proxy database running
-- promo_draw_proxy over two shards running promo_draw.  The application's
-- SQL is the single node's; only the database it connects to changed.
-- Run by tools/run demo shards, connected to the proxy, after the shards
-- and the cluster promo_draw_shards were set up (doc/scaling-out.md).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset footer off
SET client_min_messages = warning;
SET search_path = public;

\echo
\echo '================================================================'
\echo ' promo_draw demo: the Weekly Millions campaign on 1 proxy + 2 shards'
\echo '================================================================'

\echo
\echo '-- 1. The cluster: PL/Proxy''s server promo_draw_shards, one node per shard'
SELECT s.node, s.nodes, s.version AS promo_draw
FROM promo_draw_proxy.shard_node() s ORDER BY s.node;

-- the draw's eligibility function: on the shards, which ask it, and here,
-- where its name is parsed
CREATE FUNCTION public.may_win(who bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE RETURN who % 997 <> 0;

SELECT promo_draw.create_draw('Weekly Millions', closes_at => now() + interval '7 days',
                              opens_at => now() - interval '1 hour',
                              stake_per_ticket => 10, min_stake => 1, partitions => 2,
                              milestones => '{1,10,25}', default_prize => '10 free spins',
                              eligibility => 'public.may_win(bigint)') AS draw \gset
SELECT promo_draw.add_prize(:draw, 'Tesla Model 3', 40000, 1, '{"sku": "car"}'),
       promo_draw.add_prize(:draw, 'iPhone', 1200, 3, '{"sku": "phone"}'),
       promo_draw.add_prize(:draw, '50 EUR voucher', 50, 20, '{"sku": "voucher"}') \g /dev/null
SELECT set_config('demo.draw', :'draw', false) \g /dev/null

\echo
\echo '-- 2. The draw exists on both shards with the same id and seed hash'
SELECT d.node, d.draw_id, d.name, d.status, encode(d.seed_hash, 'hex') AS published_seed_hash
FROM promo_draw_proxy.draw_rows(:draw) d ORDER BY d.node;

\echo
\echo '-- 3. A week of play: 100,000 bets from 20,000 customers, 1,000 a batch through'
\echo '--    two partitions; each batch is split by shard; one batch is delivered twice'
CREATE TEMP TABLE feed AS
SELECT n, 1 + (n * 7919) % 20000 AS customer_id,
       round((0.5 + ((n * 104729) % 1000) / 1000.0 * (CASE WHEN n % 97 = 0 THEN 400 ELSE 20 END))::numeric, 2) AS amount,
       (n % 2)::int AS partition, (n + 1) / 2 AS source_offset
FROM generate_series(1::bigint, 100000) n;
CREATE TEMP TABLE batch_tickets (batch int, tickets bigint);
DO $$
BEGIN
	FOR b IN 0 .. 99 LOOP
		INSERT INTO batch_tickets
		SELECT b, promo_draw.record_stakes(current_setting('demo.draw')::bigint, array_agg(f.customer_id ORDER BY f.n),
		                                   array_agg(f.amount ORDER BY f.n),
		                                   partition => min(f.partition),
		                                   source_offsets => array_agg(f.source_offset ORDER BY f.n))
		FROM feed f WHERE f.n > b * 1000 AND f.n <= (b + 1) * 1000
		GROUP BY f.partition;
	END LOOP;
	-- a replayed batch: every bet in it is recognised on its shard
	INSERT INTO batch_tickets
	SELECT 100, promo_draw.record_stakes(current_setting('demo.draw')::bigint, array_agg(f.customer_id ORDER BY f.n),
	                                     array_agg(f.amount ORDER BY f.n), partition => min(f.partition),
	                                     source_offsets => array_agg(f.source_offset ORDER BY f.n))
	FROM feed f WHERE f.n > 41000 AND f.n <= 42000 GROUP BY f.partition;
END
$$;
SELECT sum(tickets) FILTER (WHERE batch < 100) AS tickets_issued,
       sum(tickets) FILTER (WHERE batch = 100) AS tickets_from_the_replay
FROM batch_tickets;
\echo 'customer 42, as the app would show it (its shard answers):'
SELECT promo_draw_proxy.node_of(42) AS shard, p.* FROM promo_draw.ticket_progress(:draw, 42) p;

\echo
\echo '-- 4. The partitions report on every shard; the draw is ready'
SELECT promo_draw.close_partition(:draw, 0) AS after_partition_0,
       promo_draw.close_partition(:draw, 1) AS after_partition_1;

\echo
\echo '-- 5. The draw runs over both shards: every shard gives its tickets, the proxy'
\echo '--    merges them and each shard publishes its customers'' results'
\timing on
SELECT count(*) AS results FROM promo_draw.run_draw(:draw);
\timing off

\echo
\echo '-- 6. Winners, most valuable prize first (the same as one node would draw)'
SELECT r.place, r.customer_id, promo_draw_proxy.node_of(r.customer_id) AS shard, r.prize
FROM promo_draw.run_draw(:draw) r WHERE r.outcome = 'won' ORDER BY r.place LIMIT 10;

\echo
\echo '-- 7. Summary, added up over the shards'
SELECT name, status, participants, tickets, prize_units, won, "default", lost, ineligible, value_won
FROM promo_draw.draw_summary WHERE draw_id = :draw;
\echo 'where the customers live: each on exactly one shard, by hashint8(customer_id)'
SELECT e.node AS shard, count(*) AS customers, sum(e.tickets) AS tickets
FROM (SELECT promo_draw_proxy.node_of(x.customer_id) AS node, x.tickets
      FROM promo_draw_proxy.entry_reveal_rows(:draw) x) e
GROUP BY 1 ORDER BY 1;

\echo
\echo '-- 8. verify_draw on the proxy recomputes the draw from every shard'
SELECT check_name, ok, detail FROM promo_draw.verify_draw(:draw);

\echo
\echo '-- 9. A welcome code limited to 500, over both shards: 800 customers try it;'
\echo '--    a shard whose half is used up borrows room from the other'
SELECT promo_draw.create_code('WELCOME500', now() - interval '1 minute', now() + interval '7 days', 500,
                              '{"bonus": 20}') \g /dev/null
CREATE TEMP TABLE tries (customer_id bigint, ok boolean);
DO $$
DECLARE
	c bigint;
BEGIN
	-- three in four newcomers land on shard 1
	FOR c IN SELECT g FROM generate_series(100001, 200000) g
	         WHERE promo_draw_proxy.node_of(g) = 1 OR g % 3 = 0 LIMIT 800 LOOP
		BEGIN
			PERFORM promo_draw.redeem('welcome500', c);
			INSERT INTO tries VALUES (c, true);
		EXCEPTION WHEN SQLSTATE 'PD014' THEN
			INSERT INTO tries VALUES (c, false);
		END;
	END LOOP;
END
$$;
SELECT promo_draw_proxy.node_of(customer_id) AS shard, count(*) FILTER (WHERE ok) AS redeemed,
       count(*) FILTER (WHERE NOT ok) AS refused_exhausted
FROM tries GROUP BY 1 ORDER BY 1;
SELECT code, max_redemptions, redeemed, remaining FROM promo_draw.code_summary WHERE code = 'WELCOME500';
SELECT node AS lender, peer AS borrower, count(*) AS transfers, sum(amount) AS places
FROM promo_draw_proxy.code_transfers_on_all('welcome500') WHERE direction = 'out' GROUP BY 1, 2;

\echo
\echo '-- 10. A sealed draw over both shards: the proxy seals every shard with one digest'
\echo '--     of all their entries, and nobody knows the order until the beacon'
SELECT promo_draw.create_draw('Bonus Time', now() + interval '5 seconds', opens_at => now() - interval '1 minute',
                              partitions => 1, sealed => true,
                              beacon_source => 'the drand round due at beacon_due_at',
                              beacon_due_at => now() + interval '6 seconds') AS sealed \gset
SELECT promo_draw.add_prize(:sealed, 'Weekend trip', 3000, 1), promo_draw.add_prize(:sealed, '50 free spins', 25, 20)
\g /dev/null
SELECT promo_draw.award_tickets(:sealed, array_agg(c ORDER BY c), array_agg(1 + c % 4 ORDER BY c))
FROM generate_series(1, 5000) c \g /dev/null
SELECT promo_draw.close_partition(:sealed, 0) AS sealed_now;
SELECT node AS shard, status, encode(entry_digest, 'hex') AS entry_digest
FROM promo_draw_proxy.draw_rows(:sealed) ORDER BY node;
\echo 'the beacon value due six seconds after the draw was created arrives (drand round'
\echo '4242) and goes to both shards; the winners:'
SELECT pg_sleep_until(beacon_due_at) FROM promo_draw.draw_summary WHERE draw_id = :sealed \g /dev/null
SELECT promo_draw.set_beacon(:sealed, sha256('drand round 4242'), 'drand round 4242') \g /dev/null
SELECT r.place, r.customer_id, promo_draw_proxy.node_of(r.customer_id) AS shard, r.prize
FROM promo_draw.run_draw(:sealed) r WHERE r.outcome = 'won' ORDER BY r.place LIMIT 5;
SELECT check_name, ok FROM promo_draw.verify_draw(:sealed);

\echo
\echo '-- 11. Customer messages from both shards, handed out once'
SELECT kind, count(*) FROM promo_draw.take_notifications(100000) GROUP BY kind ORDER BY kind;
SELECT count(*) AS handed_out_again FROM promo_draw.take_notifications(100000);
\echo
