#!/usr/bin/env bash
# Benchmark: record_stake under pgbench, 2 clients, random customers among
# 100,000, synchronous_commit = off (so that the disk's flush rate does not
# hide the CPU cost), against
#   - the floor: a bare one-row INSERT per bet into a table with a primary key;
#   - a PL/pgSQL function doing the same rules in plain SQL: dedupe insert,
#     stake upsert, ticket upsert.
# Then record_stakes with batches of 1,000 bets against single calls, in
# bets per second.  Each figure is the median of 3 runs of DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
export PGOPTIONS='-c synchronous_commit=off -c client_min_messages=warning'

. ./lib.sh

q -f lib.sql
q <<'SQL'
DROP TABLE IF EXISTS bench.bet, bench.seen, bench.stake, bench.ticket_count;
CREATE TABLE bench.bet (bet_id bigserial PRIMARY KEY, draw_id bigint, customer_id bigint,
                        amount numeric, at timestamptz DEFAULT now());
CREATE TABLE bench.seen (draw_id bigint, partition int, source_offset bigint,
                         PRIMARY KEY (draw_id, partition, source_offset));
CREATE TABLE bench.stake (draw_id bigint, customer_id bigint, stake numeric NOT NULL,
                          PRIMARY KEY (draw_id, customer_id));
CREATE TABLE bench.ticket_count (draw_id bigint, customer_id bigint, tickets bigint NOT NULL,
                                 PRIMARY KEY (draw_id, customer_id));
-- the same stake rule in plain SQL
CREATE OR REPLACE FUNCTION bench.plpgsql_stake(d bigint, c bigint, amount numeric,
                                               part int, off bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_stake numeric;
	v_before bigint;
	v_after bigint;
BEGIN
	INSERT INTO bench.seen VALUES (d, part, off) ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN 0;
	END IF;
	INSERT INTO bench.stake AS s VALUES (d, c, amount)
	ON CONFLICT (draw_id, customer_id) DO UPDATE SET stake = s.stake + excluded.stake
	RETURNING s.stake INTO v_stake;
	v_after := floor(v_stake / 10);
	SELECT tickets INTO v_before FROM bench.ticket_count WHERE draw_id = d AND customer_id = c;
	INSERT INTO bench.ticket_count AS t VALUES (d, c, v_after)
	ON CONFLICT (draw_id, customer_id) DO UPDATE SET tickets = excluded.tickets;
	RETURN v_after - coalesce(v_before, 0);
END
$$;
SQL
DRAW=$(q -c "SELECT promo_draw.create_draw('record_stake bench', now() + interval '1 day',
                                          stake_per_ticket => 10)")

FLOOR=$(script <<EOF
\set c random(1, 100000)
INSERT INTO bench.bet (draw_id, customer_id, amount) VALUES ($DRAW, :c, 2.50);
EOF
)
PLPGSQL=$(script <<EOF
\set c random(1, 100000)
\set off :off + 1
SELECT bench.plpgsql_stake($DRAW, :c, 2.50, :client_id, :off);
EOF
)
SINGLE=$(script <<EOF
\set c random(1, 100000)
\set off :off + 1
SELECT promo_draw.record_stake($DRAW, :c, 2.50, partition => :client_id,
                               source_offset => :off);
EOF
)
BATCH=$(script <<EOF
SELECT promo_draw.record_stakes($DRAW,
	ARRAY(SELECT 1 + floor(random() * 100000)::bigint FROM generate_series(1, 1000)),
	array_fill(2.50::numeric, ARRAY[1000]),
	partition => :client_id,
	source_offsets => ARRAY(SELECT :off::bigint + i FROM generate_series(1, 1000) i));
\set off :off + 1000
EOF
)

floor_tps=$(tps "$FLOOR")
plpgsql_tps=$(tps "$PLPGSQL")
single_tps=$(tps "$SINGLE")
batch_tps=$(tps "$BATCH")

echo
echo "pgbench, 2 clients, random customers among 100,000, synchronous_commit = off;"
echo "median of $RUNS runs of $DURATION s"
awk -v f="$floor_tps" -v p="$plpgsql_tps" -v s="$single_tps" -v b="$batch_tps" 'BEGIN {
	printf "%-44s %12s %9s %11s\n", "", "bets/s", "x floor", "x PL/pgSQL"
	printf "%-44s %12.0f %9.2f %11.2f\n", "bare one-row INSERT (floor)", f, 1, f / p
	printf "%-44s %12.0f %9.2f %11.2f\n", "PL/pgSQL rules in plain SQL", p, p / f, 1
	printf "%-44s %12.0f %9.2f %11.2f\n", "record_stake", s, s / f, s / p
	printf "%-44s %12.0f %9.2f %11.2f\n", "record_stakes, batches of 1,000", b * 1000, b * 1000 / f, b * 1000 / p
	printf "\nrecord_stakes x record_stake: %.2f (target >= 5)\n", b * 1000 / s
	printf "targets: record_stake >= 0.8 x floor, >= 1.5 x PL/pgSQL\n"
}'
rm -f "$FLOOR" "$PLPGSQL" "$SINGLE" "$BATCH"
q -c "DROP TABLE bench.bet, bench.seen, bench.stake, bench.ticket_count; DROP FUNCTION bench.plpgsql_stake(bigint, bigint, numeric, int, bigint)"
