#!/usr/bin/env bash
# Benchmark: award_tickets with every default on (milestones '{1,10}', so
# each new customer gets a milestone message), against a naive table of one
# row per ticket (gen_random_uuid(), indexed on draw and customer):
#   1. 100,000 customers x 5 tickets in one statement: single calls, the
#      same without milestones (what users who turn them off get), batches
#      of 1,000, and the naive INSERT of 500,000 rows (the floor);
#      median of RUNS runs;
#   2. as an application calls it: pgbench, 2 clients, one call per
#      transaction against batches of 1,000, random customers among
#      100,000, synchronous_commit = off; median of RUNS runs of DURATION s.
#      Batches are measured twice: drawn from all customers (two clients'
#      batches share customers, and the second waits for the first's
#      commit on them), and with each client awarding its own customers,
#      as the README advises ingest workers to;
#   3. storage for 5 and for 50 tickets each.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}

q -f lib.sql
psql -X -v ON_ERROR_STOP=1 <<SQL
\pset footer off
SET client_min_messages = warning;
SET jit = off;
CREATE TABLE IF NOT EXISTS bench.naive_ticket (draw_id bigint, customer_id bigint, ticket uuid);
CREATE INDEX IF NOT EXISTS naive_ticket_idx ON bench.naive_ticket (draw_id, customer_id);
CREATE TEMP TABLE batches AS
SELECT c / 1000 AS b, array_agg(c::bigint ORDER BY c) AS customers
FROM generate_series(0, 99999) c GROUP BY 1;

CREATE TEMP TABLE timing (name text, run int, ms numeric);
DO \$\$
DECLARE
	d bigint;
	t0 timestamptz;
BEGIN
	FOR run IN 1 .. $RUNS LOOP
		d := promo_draw.create_draw('award bench', now() + interval '1 day');
		t0 := clock_timestamp();
		PERFORM count(promo_draw.award_tickets(d, c, 5)) FROM generate_series(1, 100000) c;
		INSERT INTO timing VALUES ('award_tickets, default milestones', run,
		                           extract(epoch FROM clock_timestamp() - t0) * 1000);

		d := promo_draw.create_draw('award bench', now() + interval '1 day', milestones => '{}');
		t0 := clock_timestamp();
		PERFORM count(promo_draw.award_tickets(d, c, 5)) FROM generate_series(1, 100000) c;
		INSERT INTO timing VALUES ('award_tickets, milestones => {}', run,
		                           extract(epoch FROM clock_timestamp() - t0) * 1000);

		d := promo_draw.create_draw('award bench', now() + interval '1 day');
		t0 := clock_timestamp();
		PERFORM sum(promo_draw.award_tickets(d, b.customers, array_fill(5::bigint, ARRAY[1000])))
		FROM batches b;
		INSERT INTO timing VALUES ('award_tickets, batches of 1,000', run,
		                           extract(epoch FROM clock_timestamp() - t0) * 1000);

		t0 := clock_timestamp();
		INSERT INTO bench.naive_ticket SELECT -run, c, gen_random_uuid()
		FROM generate_series(1, 100000) c, generate_series(1, 5);
		INSERT INTO timing VALUES ('naive INSERT (floor)', run, extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
END
\$\$;
\echo
\echo '1. 100,000 customers x 5 tickets in one statement; median of $RUNS runs (target: <= 1.0 x floor)'
WITH m AS (SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM timing GROUP BY name)
SELECT m.name, round(m.ms::numeric, 1) AS ms,
       round((m.ms / f.ms)::numeric, 2) AS x_floor
FROM m, m f WHERE f.name = 'naive INSERT (floor)' ORDER BY m.ms DESC;
TRUNCATE bench.naive_ticket;
SQL

export PGOPTIONS='-c synchronous_commit=off -c client_min_messages=warning'
DRAW=$(q -c "SELECT promo_draw.create_draw('award pgbench', now() + interval '1 day')")
SINGLE=$(script <<EOF
\set c random(1, 100000)
SELECT promo_draw.award_tickets($DRAW, :c, 5);
EOF
)
BATCH=$(script <<EOF
SELECT promo_draw.award_tickets($DRAW,
	ARRAY(SELECT 1 + floor(random() * 100000)::bigint FROM generate_series(1, 1000)),
	array_fill(5::bigint, ARRAY[1000]));
EOF
)
OWN=$(script <<EOF
SELECT promo_draw.award_tickets($DRAW,
	ARRAY(SELECT (1 + floor(random() * 50000)::bigint) * 2 - :client_id FROM generate_series(1, 1000)),
	array_fill(5::bigint, ARRAY[1000]));
EOF
)
single_tps=$(tps "$SINGLE")
batch_tps=$(tps "$BATCH")
own_tps=$(tps "$OWN")
echo
echo "2. as an application calls it: pgbench, 2 clients, random customers among 100,000,"
echo "   synchronous_commit = off, default milestones; median of $RUNS runs of $DURATION s"
awk -v s="$single_tps" -v b="$batch_tps" -v o="$own_tps" 'BEGIN {
	printf "%-52s %12s %8s\n", "", "awards/s", "x single"
	printf "%-52s %12.0f %8.2f\n", "award_tickets, one call a transaction", s, 1
	printf "%-52s %12.0f %8.2f\n", "award_tickets, batches of 1,000 from all customers", b * 1000, b * 1000 / s
	printf "%-52s %12.0f %8.2f\n", "award_tickets, batches of 1,000, each client its own", o * 1000, o * 1000 / s
	printf "target: batches >= 5 x single calls\n"
}'
rm -f "$SINGLE" "$BATCH" "$OWN"
unset PGOPTIONS

psql -X -v ON_ERROR_STOP=1 <<'SQL'
\pset footer off
SET client_min_messages = warning;
-- storage: bytes per customer at 5 and at 50 tickets, table and indexes
CREATE TEMP TABLE storage (tickets int, name text, bytes bigint);
DO $$
DECLARE
	d bigint;
	n int;
BEGIN
	FOREACH n IN ARRAY ARRAY[5, 50] LOOP
		-- the draw's entries in a fresh table of the same layout, as the
		-- naive table is measured fresh
		d := promo_draw.create_draw('storage bench', now() + interval '1 day', milestones => '{}');
		PERFORM count(promo_draw.award_tickets(d, c, n)) FROM generate_series(1, 100000) c;
		DROP TABLE IF EXISTS bench.entry_copy;
		CREATE TABLE bench.entry_copy (LIKE promo_draw.entry INCLUDING ALL) WITH (fillfactor = 80);
		INSERT INTO bench.entry_copy SELECT * FROM promo_draw.entry WHERE draw_id = d;
		INSERT INTO storage VALUES (n, 'promo_draw.entry', pg_total_relation_size('bench.entry_copy'));

		TRUNCATE bench.naive_ticket;
		INSERT INTO bench.naive_ticket SELECT 1, c, gen_random_uuid()
		FROM generate_series(1, 100000) c, generate_series(1, n);
		INSERT INTO storage VALUES (n, 'naive ticket table', pg_total_relation_size('bench.naive_ticket'));
	END LOOP;
	DROP TABLE bench.entry_copy;
END
$$;
\echo
\echo '3. storage for 100,000 customers (table and indexes)'
SELECT tickets AS tickets_each, name, pg_size_pretty(bytes) AS size, round(bytes / 100000.0) AS bytes_per_customer
FROM storage ORDER BY tickets, name DESC;
SELECT s.tickets AS tickets_each,
       round(p.bytes::numeric / s.bytes, 2) AS "entry x naive (target <= 0.5)"
FROM storage s JOIN storage p USING (tickets)
WHERE s.name = 'naive ticket table' AND p.name = 'promo_draw.entry' ORDER BY 1;
DROP TABLE bench.naive_ticket;
SQL
