-- Properties of stake rules over a random stream of bets: several ingest
-- partitions, re-deliveries and stragglers, bets outside the window and
-- below the minimum.  The stream goes bet by bet into one draw and in
-- random batches into another.  The seed is printed; rerun one with
-- PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(8);

\ir include/seed.sql

CREATE TEMP TABLE rule AS
SELECT round((0.5 + random() * 20)::numeric, 2) AS per,
       round((random() * 2)::numeric, 2) AS min_stake,
       CASE WHEN random() < 0.5 THEN NULL ELSE 5 + floor(random() * 30)::bigint END AS cap;
SELECT diag(format('stake_per_ticket %s, min_stake %s, max_tickets_per_customer %s',
                   per, min_stake, coalesce(cap::text, 'none'))) FROM rule;

SELECT create_draw_id AS singles FROM (
	SELECT promo_draw.create_draw('stream singles', '2030-01-01', opens_at => '2020-01-01', partitions => 3,
	                              stake_per_ticket => per, min_stake => min_stake,
	                              max_tickets_per_customer => cap, milestones => '{1,5,20}') AS create_draw_id
	FROM rule) s \gset
SELECT create_draw_id AS batched FROM (
	SELECT promo_draw.create_draw('stream batches', '2030-01-01', opens_at => '2020-01-01', partitions => 3,
	                              stake_per_ticket => per, min_stake => min_stake,
	                              max_tickets_per_customer => cap, milestones => '{1,5,20}') AS create_draw_id
	FROM rule) s \gset

-- 3,000 fresh bets over 200 customers and 3 partitions, times straddling
-- the window
CREATE TEMP TABLE fresh AS
SELECT i, 1 + floor(random() * 200)::bigint AS customer_id,
       round((0.01 + random() * 30)::numeric, 2) AS amount,
       timestamptz '2019-12-01' + random() * interval '3720 days' AS at,
       floor(random() * 3)::int AS partition
FROM generate_series(1, 3000) i;
-- every delivery in arrival order: a re-delivery arrives a little after
-- its original, with the same partition and source offset
CREATE TEMP TABLE delivery AS
SELECT row_number() OVER (ORDER BY k) AS n, customer_id, amount, at, partition, source_offset
FROM (
	SELECT f.i::numeric AS k, f.customer_id, f.amount, f.at, f.partition,
	       row_number() OVER (PARTITION BY f.partition ORDER BY f.i) AS source_offset
	FROM fresh f
	UNION ALL
	SELECT f.i + 1 + floor(random() * 200) + 0.5, f.customer_id, f.amount, f.at, f.partition,
	       f.source_offset
	FROM (SELECT fr.*, row_number() OVER (PARTITION BY fr.partition ORDER BY fr.i) AS source_offset
	      FROM fresh fr) f
	WHERE random() < 0.15
) d;

-- what should count: not a repeat (above every offset its partition saw
-- before), inside [opens_at, closes_at), at least min_stake
CREATE TEMP TABLE expected AS
SELECT d.customer_id,
       least(coalesce(r.cap, 9223372036854775807),
             floor(sum(d.amount) / r.per))::bigint AS tickets,
       sum(d.amount) AS stake
FROM (SELECT x.*, coalesce(source_offset <= max(source_offset) OVER (PARTITION BY partition ORDER BY n
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS repeat
      FROM delivery x) d, rule r
WHERE NOT d.repeat AND d.at >= '2020-01-01' AND d.at < '2030-01-01' AND d.amount >= r.min_stake
GROUP BY d.customer_id, r.cap, r.per;
SELECT diag(format('%s deliveries; %s customers hold %s tickets', (SELECT count(*) FROM delivery),
                   (SELECT count(*) FROM expected), (SELECT sum(tickets) FROM expected)));

-- bet by bet, in arrival order
SELECT sum(promo_draw.record_stake(:singles, customer_id, amount, at, partition, source_offset)) AS issued
FROM (SELECT * FROM delivery ORDER BY n) d \gset singles_
-- in batches: runs of one partition, cut at random lengths
CREATE TEMP TABLE batch AS
SELECT n, partition, sum(cut) OVER (ORDER BY n) AS batch_no
FROM (SELECT n, partition,
             CASE WHEN partition IS DISTINCT FROM lag(partition) OVER (ORDER BY n) OR random() < 0.2
                  THEN 1 ELSE 0 END AS cut
      FROM delivery) x;
-- batches are applied in order: offsets are only meaningful in order
CREATE FUNCTION pg_temp.apply_batches(d bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	total bigint := 0;
	r record;
BEGIN
	FOR r IN SELECT b.batch_no, array_agg(x.customer_id ORDER BY x.n) AS customers,
	                array_agg(x.amount ORDER BY x.n) AS amounts, array_agg(x.at ORDER BY x.n) AS ats,
	                min(x.partition) AS partition, array_agg(x.source_offset ORDER BY x.n) AS offsets
	         FROM delivery x JOIN batch b USING (n)
	         GROUP BY b.batch_no ORDER BY b.batch_no
	LOOP
		total := total + promo_draw.record_stakes(d, r.customers, r.amounts, r.ats, r.partition, r.offsets);
	END LOOP;
	RETURN total;
END
$$;
SELECT pg_temp.apply_batches(:batched) AS issued \gset batched_

SELECT is((SELECT count(*) FROM expected x
           FULL JOIN (SELECT * FROM promo_draw.entry WHERE draw_id = :singles) e USING (customer_id)
           WHERE x.tickets IS DISTINCT FROM e.tickets),
          0::bigint, 'bet by bet: every customer holds min(cap, floor(counted stake / per)) tickets');
SELECT is((SELECT count(*) FROM expected x
           LEFT JOIN promo_draw.entry e ON e.draw_id = :singles AND e.customer_id = x.customer_id
           WHERE e.stake IS DISTINCT FROM x.stake),
          0::bigint, 'bet by bet: every customer''s stake is exactly the sum of counted bets');
SELECT is(:singles_issued::bigint, (SELECT coalesce(sum(tickets), 0) FROM expected)::bigint,
          'bet by bet: the calls returned every ticket issued, once');
SELECT is((SELECT count(*)
           FROM (SELECT * FROM promo_draw.entry WHERE draw_id = :singles) s
           FULL JOIN (SELECT * FROM promo_draw.entry WHERE draw_id = :batched) b USING (customer_id)
           WHERE (s.tickets, s.stake, s.stake_tickets) IS DISTINCT FROM (b.tickets, b.stake, b.stake_tickets)),
          0::bigint, 'batches give what single calls in order give');
SELECT is(:batched_issued::bigint, :singles_issued::bigint, 'and return as many tickets');

-- milestones: one message per milestone reached, never more
SELECT is((SELECT count(*) FROM promo_draw.notification n
           WHERE n.draw_id = :singles AND n.kind = 'milestone'),
          (SELECT count(*) FROM expected x, unnest('{1,5,20}'::int[]) m WHERE x.tickets >= m),
          'one milestone message for every milestone reached');

-- replaying the whole stream changes nothing
CREATE TEMP TABLE before AS
SELECT customer_id, tickets, stake FROM promo_draw.entry WHERE draw_id = :batched;
SELECT count(*) AS before_messages FROM promo_draw.notification WHERE draw_id = :batched \gset
SELECT is(pg_temp.apply_batches(:batched)
          + (SELECT count(*) FROM (SELECT customer_id, tickets, stake FROM promo_draw.entry WHERE draw_id = :batched
                                   EXCEPT SELECT * FROM before) x),
          0::bigint, 'replaying every batch issues nothing and changes no entry');
SELECT is((SELECT coalesce(sum(promo_draw.record_stake(:batched, customer_id, amount, at, partition, source_offset)), 0)
           FROM (SELECT * FROM delivery ORDER BY n) d)::bigint
          + (SELECT count(*) FROM (SELECT customer_id, tickets, stake FROM promo_draw.entry WHERE draw_id = :batched
                                   EXCEPT SELECT * FROM before) x)
          + (SELECT count(*) FROM promo_draw.notification WHERE draw_id = :batched) - :before_messages,
          0::bigint, 'replaying the whole stream bet by bet changes nothing, messages included');

SELECT * FROM finish();
ROLLBACK;
