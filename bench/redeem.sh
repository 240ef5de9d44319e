#!/usr/bin/env bash
# Benchmark: redeem under pgbench, 8 clients redeeming for random customers,
# synchronous_commit = off (so that the disk's flush rate does not hide the
# CPU cost).  One hot code that every client redeems, against the same load
# spread over 1,000 codes (the baseline: redeemers of different codes share
# no row), both without a limit and with a limit larger than the run.
# Target: the hot code reaches at least 0.8x the spread load's tps.  For
# comparison, the textbook limit on one counter row per code.  Each
# figure is the median of RUNS runs of DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")"
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-8}
export PGOPTIONS='-c synchronous_commit=off -c client_min_messages=warning'

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

q >/dev/null <<'SQL'
SELECT promo_draw.create_code('HOT', '2000-01-01', '2100-01-01');
SELECT promo_draw.create_code('HOT-LIMITED', '2000-01-01', '2100-01-01', max_redemptions => 100000000);
SELECT promo_draw.create_code('SPREAD-' || i, '2000-01-01', '2100-01-01') FROM generate_series(1, 1000) i;
SELECT promo_draw.create_code('SPREAD-LIMITED-' || i, '2000-01-01', '2100-01-01', max_redemptions => 100000000)
FROM generate_series(1, 1000) i;
-- for comparison, the textbook limit: one counter row per code
CREATE SCHEMA IF NOT EXISTS bench;
DROP TABLE IF EXISTS bench.counter_code, bench.counter_redemption;
CREATE TABLE bench.counter_code (code text PRIMARY KEY, used bigint NOT NULL, max_redemptions bigint NOT NULL);
CREATE TABLE bench.counter_redemption (code text, customer_id bigint, redeemed_at timestamptz DEFAULT now(),
                                       PRIMARY KEY (code, customer_id));
INSERT INTO bench.counter_code VALUES ('HOT-COUNTER', 0, 100000000);
CREATE OR REPLACE FUNCTION bench.counter_redeem(c text, customer bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	UPDATE bench.counter_code SET used = used + 1 WHERE code = c AND used < max_redemptions;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'exhausted';
	END IF;
	INSERT INTO bench.counter_redemption (code, customer_id) VALUES (c, customer);
END
$$;
SQL

script() {
	local f
	f=$(mktemp)
	cat >"$f"
	echo "$f"
}
# customers among 10^15: a repeat (which would be refused) is unlikely in a run
HOT=$(script <<'EOF'
\set c random(1, 1000000000000000)
SELECT promo_draw.redeem('HOT', :c);
EOF
)
SPREAD=$(script <<'EOF'
\set c random(1, 1000000000000000)
\set k random(1, 1000)
SELECT promo_draw.redeem('SPREAD-' || :k, :c);
EOF
)
HOT_LIMITED=$(script <<'EOF'
\set c random(1, 1000000000000000)
SELECT promo_draw.redeem('HOT-LIMITED', :c);
EOF
)
COUNTER=$(script <<'EOF'
\set c random(1, 1000000000000000)
SELECT bench.counter_redeem('HOT-COUNTER', :c);
EOF
)
SPREAD_LIMITED=$(script <<'EOF'
\set c random(1, 1000000000000000)
\set k random(1, 1000)
SELECT promo_draw.redeem('SPREAD-LIMITED-' || :k, :c);
EOF
)

# median tps of RUNS pgbench runs of one script
tps() {
	local f=$1 runs=()
	for _ in $(seq "$RUNS"); do
		q -c "CHECKPOINT"
		runs+=("$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" -f "$f" 2>/dev/null |
			awk '/^tps/ {print $3; exit}')")
	done
	printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

spread_tps=$(tps "$SPREAD")
hot_tps=$(tps "$HOT")
spread_limited_tps=$(tps "$SPREAD_LIMITED")
hot_limited_tps=$(tps "$HOT_LIMITED")
counter_tps=$(tps "$COUNTER")

echo
echo "pgbench, $CLIENTS clients, random customers, synchronous_commit = off;"
echo "median of $RUNS runs of $DURATION s"
awk -v s="$spread_tps" -v h="$hot_tps" -v sl="$spread_limited_tps" -v hl="$hot_limited_tps" \
	-v c="$counter_tps" 'BEGIN {
	printf "%-48s %12s %9s\n", "", "tps", "x spread"
	printf "%-48s %12.0f %9.2f\n", "no limit: spread over 1,000 codes (baseline)", s, 1
	printf "%-48s %12.0f %9.2f\n", "no limit: one hot code", h, h / s
	printf "%-48s %12.0f %9.2f\n", "limit 10^8: spread over 1,000 codes (baseline)", sl, 1
	printf "%-48s %12.0f %9.2f\n", "limit 10^8: one hot code", hl, hl / sl
	printf "%-48s %12.0f %9.2f\n", "(for comparison: one hot counter row)", c, c / sl
	printf "\ntarget: the hot code >= 0.8 x the spread load, with and without a limit\n"
}'
q -c "SELECT sum(used) || ' places used of the hot limited code, over ' || count(*) || ' shards'
      FROM promo_draw.code_shard WHERE code = 'HOT-LIMITED'"
rm -f "$HOT" "$SPREAD" "$HOT_LIMITED" "$SPREAD_LIMITED" "$COUNTER"
q -c "DROP TABLE bench.counter_code, bench.counter_redemption; DROP FUNCTION bench.counter_redeem(text, bigint)"
