--
-- The aggregates under forced parallel plans (partial aggregation in workers,
-- serialize, deserialize, combine) and partitionwise aggregation (combine
-- across partitions) give the same results as serial plans.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

CREATE TABLE pt (customer_id int, ticket uuid, amount numeric);
INSERT INTO pt
SELECT i % 5000,
       CASE WHEN i % 101 = 0 THEN NULL ELSE md5('p' || i)::uuid END,
       CASE WHEN i % 103 = 0 THEN NULL ELSE (i % 777) * 0.01 END
FROM generate_series(1, 200000) i;
ANALYZE pt;

-- serial results, for comparison
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_total AS
SELECT best_ticket(ticket) AS best, best_tickets(ticket, 25) AS list,
       stake_tickets(amount, 0.3) AS tickets FROM pt;
CREATE TEMP TABLE serial_grouped AS
SELECT customer_id % 37 AS g, best_ticket(ticket) AS best,
       best_tickets(ticket, 4) AS list, stake_tickets(amount, 2) AS tickets
FROM pt GROUP BY 1;

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF)
SELECT best_ticket(ticket), best_tickets(ticket, 25), stake_tickets(amount, 0.3) FROM pt;
SELECT p.best = s.best AS best_same, p.list = s.list AS list_same,
       p.tickets = s.tickets AS tickets_same, cardinality(p.list) AS kept
FROM (SELECT best_ticket(ticket) AS best, best_tickets(ticket, 25) AS list,
             stake_tickets(amount, 0.3) AS tickets FROM pt) p, serial_total s;

SET enable_hashagg = off;
EXPLAIN (COSTS OFF)
SELECT customer_id % 37, best_ticket(ticket), best_tickets(ticket, 4), stake_tickets(amount, 2)
FROM pt GROUP BY 1;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.best = s.best AND p.list = s.list
                        AND p.tickets = s.tickets) AS same
FROM (SELECT customer_id % 37 AS g, best_ticket(ticket) AS best,
             best_tickets(ticket, 4) AS list, stake_tickets(amount, 2) AS tickets
      FROM pt GROUP BY 1) p
JOIN serial_grouped s USING (g);
RESET enable_hashagg;

-- errors raised inside parallel workers reach the client (which row a worker
-- sees first varies, so the detail is left out)
SELECT code, message FROM error_of($$SELECT best_tickets(ticket, 1 + customer_id % 2) FROM pt$$);
SELECT code, message FROM error_of($$SELECT stake_tickets(amount - 5, 0.3) FROM pt$$);

-- partitionwise aggregation: one partial aggregate per partition, combined
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE ppt (customer_id int, ticket uuid, amount numeric) PARTITION BY HASH (customer_id);
CREATE TABLE ppt_0 PARTITION OF ppt FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE ppt_1 PARTITION OF ppt FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE ppt_2 PARTITION OF ppt FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO ppt SELECT * FROM pt;
ANALYZE ppt;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF)
SELECT customer_id % 37, best_ticket(ticket), best_tickets(ticket, 4), stake_tickets(amount, 2)
FROM ppt GROUP BY 1;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.best = s.best AND p.list = s.list
                        AND p.tickets = s.tickets) AS same
FROM (SELECT customer_id % 37 AS g, best_ticket(ticket) AS best,
             best_tickets(ticket, 4) AS list, stake_tickets(amount, 2) AS tickets
      FROM ppt GROUP BY 1) p
JOIN serial_grouped s USING (g);

-- and both at once: parallel partial aggregates per partition
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF)
SELECT best_tickets(ticket, 25), stake_tickets(amount, 0.3) FROM ppt;
SELECT p.list = s.list AS list_same, p.tickets = s.tickets AS tickets_same
FROM (SELECT best_tickets(ticket, 25) AS list, stake_tickets(amount, 0.3) AS tickets
      FROM ppt) p, serial_total s;

DROP TABLE pt, ppt;
