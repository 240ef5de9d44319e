-- Properties of best_ticket, best_tickets and stake_tickets over random
-- data.  The seed is printed; rerun one with PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(7);

\ir include/seed.sql

-- 40 trials: each a random number of customers, tickets drawn from a small
-- pool (so repeats happen), some NULLs, a random k and stake per ticket.
CREATE TEMP TABLE trial AS
SELECT t AS trial, 1 + floor(random() * 12)::int AS k,
       round((0.01 + random() * 5)::numeric, 2) AS per,
       1 + floor(random() * 50)::int AS customers,
       20 + floor(random() * 2000)::int AS rows,
       10 + floor(random() * 3000)::int AS pool
FROM generate_series(1, 40) t;

CREATE TEMP TABLE ticket AS
SELECT tr.trial, floor(random() * tr.customers)::int AS customer_id,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE md5(tr.trial || ':' || floor(random() * tr.pool))::uuid END AS ticket,
       CASE WHEN random() < 0.03 THEN NULL
            ELSE round((random() * 20)::numeric, floor(random() * 4)::int) END AS amount
FROM trial tr, LATERAL generate_series(1, tr.rows) r;

CREATE TEMP TABLE ours AS
SELECT tr.trial, t.customer_id, promo_draw.best_ticket(t.ticket) AS best,
       promo_draw.best_tickets(t.ticket, tr.k) AS list,
       promo_draw.stake_tickets(t.amount, tr.per) AS tickets
FROM trial tr JOIN ticket t USING (trial) GROUP BY 1, 2;

CREATE TEMP TABLE ref AS
SELECT tr.trial, t.customer_id,
       (array_agg(DISTINCT t.ticket ORDER BY t.ticket DESC) FILTER (WHERE t.ticket IS NOT NULL)) AS all_tickets,
       count(DISTINCT t.ticket) AS distinct_tickets,
       coalesce(floor(sum(t.amount) / tr.per), 0)::bigint AS tickets,
       tr.k
FROM trial tr JOIN ticket t USING (trial) GROUP BY tr.trial, t.customer_id, tr.k, tr.per;

SELECT is((SELECT count(*) FROM ours o JOIN ref r USING (trial, customer_id)
           WHERE o.list IS DISTINCT FROM r.all_tickets[1:r.k]),
          0::bigint, 'best_tickets(t, k) is the k greatest distinct tickets');

SELECT is((SELECT count(*) FROM ours WHERE best IS DISTINCT FROM list[1]),
          0::bigint, 'best_ticket(t) is the first of best_tickets(t, k)');

SELECT is((SELECT count(*) FROM ours o JOIN ref r USING (trial, customer_id)
           WHERE coalesce(cardinality(o.list), 0) <> least(r.k, r.distinct_tickets)),
          0::bigint, 'best_tickets keeps min(k, distinct tickets) tickets');

SELECT is((SELECT count(*) FROM ours o, LATERAL generate_subscripts(o.list, 1) i
           WHERE i > 1 AND o.list[i - 1] <= o.list[i]),
          0::bigint, 'best_tickets is strictly best first');

SELECT is((SELECT count(*) FROM ours o JOIN ref r USING (trial, customer_id)
           WHERE o.tickets <> r.tickets),
          0::bigint, 'stake_tickets is floor(sum(amount) / per), exactly');

-- Combine: aggregate per random chunk, merge the chunk results with the
-- same aggregate over the chunk lists, and get the whole-group answer.
CREATE TEMP TABLE chunk AS
SELECT t.trial, t.customer_id, floor(random() * 4)::int AS part, t.ticket
FROM ticket t;
SELECT is((SELECT count(*)
           FROM (SELECT c.trial, c.customer_id, promo_draw.best_tickets(u, tr.k) AS list
                 FROM (SELECT trial, customer_id, part, promo_draw.best_tickets(ticket, 12) AS l
                       FROM chunk GROUP BY 1, 2, 3) c
                 JOIN trial tr USING (trial)
                 LEFT JOIN LATERAL unnest(c.l) u ON true
                 GROUP BY c.trial, c.customer_id) m
           JOIN ours o USING (trial, customer_id)
           WHERE m.list IS DISTINCT FROM o.list),
          0::bigint, 'the best of the best of each part is the best of the whole');

-- Partitionwise aggregation runs the real combine function.
CREATE TABLE pticket (trial int, customer_id int, part int, ticket uuid)
	PARTITION BY LIST (part);
CREATE TABLE pticket_0 PARTITION OF pticket FOR VALUES IN (0);
CREATE TABLE pticket_1 PARTITION OF pticket FOR VALUES IN (1);
CREATE TABLE pticket_2 PARTITION OF pticket FOR VALUES IN (2);
CREATE TABLE pticket_3 PARTITION OF pticket FOR VALUES IN (3);
INSERT INTO pticket SELECT trial, customer_id, part, ticket FROM chunk;
SET LOCAL enable_partitionwise_aggregate = on;
SELECT is((SELECT count(*)
           FROM (SELECT trial, customer_id, promo_draw.best_tickets(ticket, 12) AS list
                 FROM pticket GROUP BY 1, 2) p
           JOIN ours o USING (trial, customer_id)
           JOIN ref r USING (trial, customer_id)
           WHERE p.list IS DISTINCT FROM r.all_tickets[1:12]),
          0::bigint, 'partitionwise best_tickets agrees with the serial answer');

SELECT * FROM finish();
ROLLBACK;
