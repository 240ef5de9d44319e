#!/usr/bin/env bash
# Benchmark: award_tickets against a naive table of one row per ticket
# (gen_random_uuid(), indexed on draw and customer), for 100,000 customers:
# time for 5 tickets each (median of 3 runs), and storage for 5 and for 50
# tickets each.  Set-based in both cases: one statement awarding or
# inserting every ticket.
set -euo pipefail
cd "$(dirname "$0")"
psql -X -q -v ON_ERROR_STOP=1 -f lib.sql
psql -X -v ON_ERROR_STOP=1 <<'SQL'
\pset footer off
SET client_min_messages = warning;
SET jit = off;
CREATE TABLE IF NOT EXISTS bench.naive_ticket (draw_id bigint, customer_id bigint, ticket uuid);
CREATE INDEX IF NOT EXISTS naive_ticket_idx ON bench.naive_ticket (draw_id, customer_id);

-- time: award 5 tickets to each of 100,000 customers, in a new draw each run
CREATE TEMP TABLE timing (name text, run int, ms numeric);
DO $$
DECLARE
	d bigint;
	t0 timestamptz;
BEGIN
	FOR run IN 1 .. 3 LOOP
		d := promo_draw.create_draw('award bench', now() + interval '1 day', milestones => '{}');
		t0 := clock_timestamp();
		PERFORM count(promo_draw.award_tickets(d, c, 5)) FROM generate_series(1, 100000) c;
		INSERT INTO timing VALUES ('award_tickets', run, extract(epoch FROM clock_timestamp() - t0) * 1000);

		t0 := clock_timestamp();
		INSERT INTO bench.naive_ticket SELECT -run, c, gen_random_uuid()
		FROM generate_series(1, 100000) c, generate_series(1, 5);
		INSERT INTO timing VALUES ('naive INSERT', run, extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
END
$$;
\echo
\echo '100,000 customers x 5 tickets; median of 3 runs'
SELECT name, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS ms
FROM timing GROUP BY name ORDER BY name;
SELECT round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM timing WHERE name = 'award_tickets')::numeric
           / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM timing WHERE name = 'naive INSERT')::numeric, 2)
       AS "award_tickets x naive (target <= 1)";

-- storage: bytes per customer at 5 and at 50 tickets, table and indexes
TRUNCATE bench.naive_ticket;
CREATE TEMP TABLE storage (tickets int, name text, bytes bigint);
DO $$
DECLARE
	d bigint;
	n int;
	before bigint;
BEGIN
	FOREACH n IN ARRAY ARRAY[5, 50] LOOP
		before := pg_total_relation_size('promo_draw.entry');
		d := promo_draw.create_draw('storage bench', now() + interval '1 day', milestones => '{}');
		PERFORM count(promo_draw.award_tickets(d, c, n)) FROM generate_series(1, 100000) c;
		INSERT INTO storage VALUES (n, 'promo_draw.entry', pg_total_relation_size('promo_draw.entry') - before);

		TRUNCATE bench.naive_ticket;
		INSERT INTO bench.naive_ticket SELECT 1, c, gen_random_uuid()
		FROM generate_series(1, 100000) c, generate_series(1, n);
		INSERT INTO storage VALUES (n, 'naive ticket table', pg_total_relation_size('bench.naive_ticket'));
	END LOOP;
END
$$;
\echo
\echo 'storage for 100,000 customers (table and indexes)'
SELECT tickets AS tickets_each, name, pg_size_pretty(bytes) AS size, round(bytes / 100000.0) AS bytes_per_customer
FROM storage ORDER BY tickets, name DESC;
SELECT s.tickets AS tickets_each,
       round(p.bytes::numeric / s.bytes, 2) AS "entry x naive (target <= 0.5)"
FROM storage s JOIN storage p USING (tickets)
WHERE s.name = 'naive ticket table' AND p.name = 'promo_draw.entry' ORDER BY 1;
DROP TABLE bench.naive_ticket;
SQL
