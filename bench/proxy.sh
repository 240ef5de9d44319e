#!/usr/bin/env bash
# Benchmark: promo_draw through promo_draw_proxy over 2 shards, against the
# same calls made directly to one node, all in the one cluster of this run
# (databases shard0, shard1 and proxy beside the single node's):
#   - record_stakes, batches of 1,000 bets, 2 pgbench clients,
#     synchronous_commit = off: bets per second through the proxy (each
#     batch split by shard) and direct to one node;
#   - run_draw over CUSTOMERS customers (1 to 3 tickets each) with 1,000
#     prizes: the sharded draw (both shards' tickets merged on the proxy,
#     results staged and published on each shard) against run_draw on one
#     node holding the same entries.  Each draw runs RUNS times on a fresh
#     copy of the entries, after a CHECKPOINT; medians are reported.
# On one machine the shards share its 2 cores: this measures what the
# proxy costs, not what more machines buy (bench/RESULTS.md).
set -euo pipefail
cd "$(dirname "$0")"
CUSTOMERS=${CUSTOMERS:-1000000}
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
export PGOPTIONS='-c client_min_messages=warning'

. ./lib.sh

for d in shard0 shard1 proxy; do
	dropdb --if-exists "$d"
	createdb "$d"
done
for k in 0 1; do
	q -d "shard$k" -c 'CREATE EXTENSION promo_draw CASCADE'
done
q -d proxy <<SQL
CREATE EXTENSION promo_draw_proxy CASCADE;
CREATE SERVER promo_draw_shards FOREIGN DATA WRAPPER plproxy
	OPTIONS (p0 'host=$PGHOST port=$PGPORT dbname=shard0', p1 'host=$PGHOST port=$PGPORT dbname=shard1');
CREATE USER MAPPING FOR PUBLIC SERVER promo_draw_shards;
SELECT promo_draw_proxy.setup() \g /dev/null
SQL

# ---- record_stakes through the proxy and direct
stake_draw() {
	q -d "$1" -c "SELECT promo_draw.create_draw('proxy bench stakes', now() + interval '1 day', stake_per_ticket => 10)"
}
batch_script() {
	script <<EOF
SELECT promo_draw.record_stakes($1,
	ARRAY(SELECT 1 + floor(random() * 100000)::bigint FROM generate_series(1, 1000)),
	array_fill(2.50::numeric, ARRAY[1000]));
EOF
}
DIRECT=$(batch_script "$(stake_draw "$PGDATABASE")")
PROXIED=$(batch_script "$(stake_draw proxy)")
export PGOPTIONS='-c client_min_messages=warning -c synchronous_commit=off'
direct_tps=$(tps "$DIRECT")
proxy_tps=$(export PGDATABASE=proxy; tps "$PROXIED")
export PGOPTIONS='-c client_min_messages=warning'
rm -f "$DIRECT" "$PROXIED"

# ---- the draw
echo "setting up $CUSTOMERS customers on one node and over 2 shards (not timed)"
SRC=$(q -d proxy <<SQL
SELECT promo_draw.create_draw('proxy bench source', now() + interval '1 day', milestones => '{}') AS d \gset
SELECT promo_draw.award_tickets(:d, array_agg(c), array_agg(1 + c % 3))
FROM generate_series(1, $CUSTOMERS) c GROUP BY c / 100000 \g /dev/null
SELECT :d;
SQL
)
DEF=$(q -d shard0 -c "SELECT promo_draw_shard.shard_draw_definition($SRC)")
q -c "SELECT promo_draw_shard.shard_put_draw('$DEF')" >/dev/null
q -c "SELECT promo_draw.award_tickets($SRC, array_agg(c), array_agg(1 + c % 3))
      FROM generate_series(1, $CUSTOMERS) c GROUP BY c / 100000" >/dev/null
for db in shard0 shard1 "$PGDATABASE"; do q -d "$db" -c "VACUUM ANALYZE promo_draw.entry"; done

# a ready copy of the source's entries with 1,000 prizes: the same draw id
# on the shards and on the single node; prints the id
copy_source() {
	local d
	d=$(q -d proxy <<SQL
SELECT promo_draw.create_draw('proxy bench draw', '2100-01-01', opens_at => '2000-01-01',
                              partitions => 1, milestones => '{}') AS d \gset
SELECT promo_draw.add_prize(:d, 'Prize ' || i, 1000 - i) FROM generate_series(1, 1000) i \g /dev/null
SELECT :d;
SQL
)
	q -c "SELECT promo_draw_shard.shard_put_draw('$(q -d shard0 -c "SELECT promo_draw_shard.shard_draw_definition($d)")')" >/dev/null
	for db in shard0 shard1 "$PGDATABASE"; do
		q -d "$db" -c "INSERT INTO promo_draw.entry SELECT $d, customer_id, tickets, stake, stake_tickets, best, opted_in,
		                      promo_draw.entry_ref($d, customer_id)
		               FROM promo_draw.entry WHERE draw_id = $SRC"
	done
	q -d proxy -c "SELECT promo_draw.close_partition($d, 0)" >/dev/null
	q -c "SELECT promo_draw.close_partition($d, 0)" >/dev/null
	echo "$d"
}

times=$(mktemp)
for i in $(seq "$RUNS"); do
	d=$(copy_source)
	q -c "CHECKPOINT"
	echo "single $(timed "SELECT count(*) FROM promo_draw.run_draw($d);")" >>"$times"
	q -c "CHECKPOINT"
	echo "sharded $(export PGDATABASE=proxy; timed "SELECT count(*) FROM promo_draw.run_draw($d);")" >>"$times"
	echo "run $i: $(tail -n 2 "$times" | awk '{printf "%s %s ms  ", $1, $2}')"
done

echo
echo "record_stakes, batches of 1,000 bets, 2 clients, synchronous_commit = off; median of $RUNS runs of $DURATION s"
awk -v d="$direct_tps" -v p="$proxy_tps" 'BEGIN {
	printf "%-44s %12s %9s\n", "", "bets/s", "x direct"
	printf "%-44s %12.0f %9.2f\n", "direct to one node", d * 1000, 1
	printf "%-44s %12.0f %9.2f\n", "through the proxy, 2 shards", p * 1000, p / d
}'
echo
echo "run_draw, $CUSTOMERS customers, 1,000 prizes; median of $RUNS runs"
single=$(median single "$times")
sharded=$(median sharded "$times")
awk -v s="$single" -v h="$sharded" -v sp="$(peak single "$times")" -v hp="$(peak sharded "$times")" 'BEGIN {
	printf "%-44s %10s %9s %14s\n", "", "ms", "x single", "peak RSS (kB)"
	printf "%-44s %10.1f %9.2f %14d\n", "one node", s, 1, sp
	printf "%-44s %10.1f %9.2f %14d\n", "2 shards, merged on the proxy", h, h / s, hp
}'
rm -f "$times"
for d in proxy shard0 shard1; do dropdb "$d"; done
