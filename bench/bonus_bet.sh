#!/usr/bin/env bash
# Benchmark: bonus_bet with a bet_id (what a game server sends, at least
# once) on random bonuses among 20,000, then its win, under pgbench with 2
# clients and synchronous_commit = off, against the floor: a bare one-row
# INSERT per bet into a table with a primary key.  Each figure is the
# median of RUNS runs of DURATION seconds.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
export PGOPTIONS='-c synchronous_commit=off -c client_min_messages=warning'

q -f lib.sql
q <<'SQL'
DROP TABLE IF EXISTS bench.bet;
CREATE TABLE bench.bet (bet_id bigserial PRIMARY KEY, bonus_id bigint, stake numeric,
                        at timestamptz DEFAULT now());
-- bonuses that stay active for the whole run: a large balance, a large requirement
CREATE TABLE IF NOT EXISTS bench.bonus_range (lo bigint, hi bigint);
TRUNCATE bench.bonus_range;
WITH g AS (
	SELECT promo_draw.grant_bonus(c, 1000000, 1000) AS b FROM generate_series(1, 20000) c
)
INSERT INTO bench.bonus_range SELECT min(b), max(b) FROM g;
SQL
read -r LO HI <<<"$(q -F ' ' -c "SELECT lo, hi FROM bench.bonus_range")"

FLOOR=$(script <<EOF
\set b random($LO, $HI)
INSERT INTO bench.bet (bonus_id, stake) VALUES (:b, 1.00);
EOF
)
BET=$(script <<EOF
\set b random($LO, $HI)
\set off :off + 1
SELECT promo_draw.bonus_bet(:b, 1.00, 1, 'bet-' || :off);
EOF
)
BET_WIN=$(script <<EOF
\set b random($LO, $HI)
\set off :off + 1
SELECT promo_draw.bonus_bet(:b, 1.00, 1, 'bet-' || :off);
SELECT promo_draw.bonus_win(:b, 0.50, 'bet-' || :off);
EOF
)
floor_tps=$(tps "$FLOOR")
bet_tps=$(tps "$BET")
bet_win_tps=$(tps "$BET_WIN")

echo
echo "pgbench, 2 clients, random bonuses among 20,000, synchronous_commit = off;"
echo "median of $RUNS runs of $DURATION s"
awk -v f="$floor_tps" -v b="$bet_tps" -v w="$bet_win_tps" 'BEGIN {
	printf "%-44s %12s %9s\n", "", "calls/s", "x floor"
	printf "%-44s %12.0f %9.2f\n", "bare one-row INSERT (floor)", f, 1
	printf "%-44s %12.0f %9.2f\n", "bonus_bet with a bet_id", b, b / f
	printf "%-44s %12.0f %9.2f\n", "bonus_bet and its bonus_win, one transaction", w * 2, w * 2 / f
	printf "target: bonus_bet >= 0.8 x floor\n"
}'
rm -f "$FLOOR" "$BET" "$BET_WIN"
q -c "DROP TABLE bench.bet, bench.bonus_range"
