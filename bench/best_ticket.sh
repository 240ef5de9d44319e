#!/usr/bin/env bash
# Benchmark: the best-ticket aggregates against plain-SQL ways of getting
# the same answer, over 2,000,000 tickets of 200,000 customers.  Medians of
# three runs, measured in one session, one CPU (no parallel workers, no JIT),
# with enough work_mem that no plan spills.
set -euo pipefail
cd "$(dirname "$0")"
psql -X -q -v ON_ERROR_STOP=1 -f lib.sql
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
DROP TABLE IF EXISTS bench.tickets;
CREATE TABLE bench.tickets AS
SELECT (i % 200000)::bigint AS customer_id, gen_random_uuid() AS ticket
FROM generate_series(1, 2000000) i;
VACUUM ANALYZE bench.tickets;
SQL
psql -X -v ON_ERROR_STOP=1 <<'SQL'
SET max_parallel_workers_per_gather = 0;
SET work_mem = '1GB';
SET jit = off;
\pset footer off
CREATE TEMP TABLE result AS
-- count(b) makes every query compute its result column: an unused one
-- would be dropped by the planner and measure nothing.
SELECT name, bench.median_ms(format('SELECT count(b) FROM (%s) s(a, b)', query)) AS ms
FROM (VALUES
	(1, 'count(*) GROUP BY (floor)',
	    'SELECT customer_id, count(*) FROM bench.tickets GROUP BY 1'),
	(2, 'best_ticket GROUP BY',
	    'SELECT customer_id, promo_draw.best_ticket(ticket) FROM bench.tickets GROUP BY 1'),
	(3, 'best_tickets(u, 3) GROUP BY',
	    'SELECT customer_id, promo_draw.best_tickets(ticket, 3) FROM bench.tickets GROUP BY 1'),
	(4, 'DISTINCT ON ... ORDER BY ticket DESC',
	    'SELECT DISTINCT ON (customer_id) customer_id, ticket FROM bench.tickets ORDER BY customer_id, ticket DESC'),
	(5, '(array_agg(ticket ORDER BY ticket DESC))[1]',
	    'SELECT customer_id, (array_agg(ticket ORDER BY ticket DESC))[1] FROM bench.tickets GROUP BY 1')
) q(n, name, query)
ORDER BY n;
\echo
\echo '2,000,000 tickets, 200,000 customers; median of 3 runs'
SELECT name AS query, ms,
       round(ms / (SELECT ms FROM result WHERE name LIKE 'count%'), 2) AS "x floor",
       round(ms / (SELECT ms FROM result WHERE name = 'best_ticket GROUP BY'), 2) AS "x best_ticket"
FROM result;
\echo
\echo 'targets: best_ticket <= 1.5 x floor; DISTINCT ON >= 2 x best_ticket; best_tickets(u, 3) <= 2 x floor'
SELECT (SELECT ms FROM result WHERE name = 'best_ticket GROUP BY')
         <= 1.5 * (SELECT ms FROM result WHERE name LIKE 'count%') AS best_ticket_within_1_5x_floor,
       (SELECT ms FROM result WHERE name LIKE 'DISTINCT ON%')
         >= 2 * (SELECT ms FROM result WHERE name = 'best_ticket GROUP BY') AS distinct_on_2x_slower,
       (SELECT ms FROM result WHERE name LIKE 'best_tickets%')
         <= 2 * (SELECT ms FROM result WHERE name LIKE 'count%') AS best_tickets_within_2x_floor;
DROP TABLE bench.tickets;
SQL
