#!/usr/bin/env bash
# Benchmark: simulate_playthrough in bets per second, against the same
# simulation written as a PL/pgSQL loop (the plain-SQL baseline: one bet
# per iteration, the same win-or-nothing model, float arithmetic).
# Target: a million bets per second or better.  Medians of RUNS runs.
set -euo pipefail
cd "$(dirname "$0")"
RUNS=${RUNS:-3}
export PGOPTIONS='-c client_min_messages=warning'

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

q -f lib.sql
q <<'SQL'
-- the same model as simulate_playthrough, bet by bet in PL/pgSQL
CREATE OR REPLACE FUNCTION bench.plpgsql_playthrough(amount float8, playthrough float8, rate float8,
                                                     stake float8, trials int, vol float8)
RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	q float8 := rate * rate / (rate * rate + vol * vol);
	win float8 := stake * (rate + vol * vol / rate);
	required float8 := amount * playthrough;
	balance float8;
	wagered float8;
	total float8 := 0;
BEGIN
	FOR t IN 1 .. trials LOOP
		balance := amount;
		wagered := 0;
		WHILE wagered < required AND balance >= stake LOOP
			balance := balance - stake;
			wagered := wagered + stake;
			IF random() < q THEN
				balance := balance + win;
			END IF;
		END LOOP;
		IF wagered >= required THEN
			total := total + balance;
		END IF;
	END LOOP;
	RETURN total / trials;
END
$$;
SQL

# A rich bonus that always clears: every trial places required / stake bets.
C_TRIALS=2000
C_BETS=$((C_TRIALS * 10000))
P_TRIALS=20
P_BETS=$((P_TRIALS * 10000))
c_ms=$(q -c "SELECT bench.median_ms(\$\$SELECT * FROM promo_draw.simulate_playthrough(100000, 1, 0.96, 10, $C_TRIALS, 2.5, 1)\$\$, $RUNS)")
p_ms=$(q -c "SELECT bench.median_ms(\$\$SELECT bench.plpgsql_playthrough(100000, 1, 0.96, 10, $P_TRIALS, 2.5)\$\$, $RUNS)")

echo
echo "100,000 bonus, 1x playthrough, payout 96%, stakes of 10, volatility 2.5: 10,000 bets a trial;"
echo "median of $RUNS runs"
awk -v cm="$c_ms" -v cb="$C_BETS" -v pm="$p_ms" -v pb="$P_BETS" 'BEGIN {
	c = cb / (cm / 1000); p = pb / (pm / 1000)
	printf "%-46s %12s %10s %14s %8s\n", "", "bets", "ms", "bets/s", "x PL/pgSQL"
	printf "%-46s %12d %10.1f %14.0f %8.2f\n", "PL/pgSQL loop (baseline)", pb, pm, p, 1
	printf "%-46s %12d %10.1f %14.0f %8.2f\n", "simulate_playthrough", cb, cm, c, c / p
	printf "\ntarget: at least 1,000,000 bets/s\n"
}'
q -c "DROP FUNCTION bench.plpgsql_playthrough(float8, float8, float8, float8, int, float8)"
