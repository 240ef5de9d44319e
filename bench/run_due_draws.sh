#!/usr/bin/env bash
# Benchmark: the memory of run_due_draws() drawing 20 due draws of 100,000
# customers each in one call, every draw with an eligibility function and a
# default prize (so the function is asked about every participant), against
# run_due_draws() drawing one such draw.  Each draw gets a memory context of
# its own and each eligibility call one that is reset after it, so the call
# of 20 draws should peak where the call of one does, not 20 times higher.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh
CUSTOMERS=${CUSTOMERS:-100000}
DRAWS=${DRAWS:-20}
RUNS=${RUNS:-3}

q -f lib.sql
echo "setting up $DRAWS draws of $CUSTOMERS customers (not timed here)"
q <<SQL
SET client_min_messages = warning;
CREATE OR REPLACE FUNCTION bench.eligible(customer bigint) RETURNS boolean
	LANGUAGE sql STABLE AS \$\$ SELECT customer % 97 <> 0 \$\$;
SELECT promo_draw.create_draw('due bench source', now() + interval '1 day', milestones => '{}') AS src \gset
SELECT count(promo_draw.award_tickets(:src, c, 1 + c % 3)) FROM generate_series(1, $CUSTOMERS) c \g /dev/null
SELECT promo_draw.add_prize(:src, 'Prize ' || i, 1000 - i) FROM generate_series(1, 100) i \g /dev/null
CREATE TABLE IF NOT EXISTS bench.due_source (draw_id bigint);
TRUNCATE bench.due_source;
INSERT INTO bench.due_source VALUES (:src);
SQL
SOURCE=$(q -c "SELECT draw_id FROM bench.due_source")

# make N due draws, each a copy of the source draw's entries and prizes
make_due() {
	q <<SQL
SET client_min_messages = warning;
SELECT count(*) FROM (
	SELECT promo_draw.create_draw('due bench', '2000-01-02', opens_at => '2000-01-01',
	                              default_prize => 'Free spins', milestones => '{}',
	                              eligibility => 'bench.eligible(bigint)') AS d
	FROM generate_series(1, $1)
) made \g /dev/null
INSERT INTO promo_draw.entry (draw_id, customer_id, tickets, stake, stake_tickets, best, opted_in, entry_ref)
SELECT d.draw_id, e.customer_id, e.tickets, e.stake, e.stake_tickets, e.best, e.opted_in,
       promo_draw.entry_ref(d.draw_id, e.customer_id)
FROM promo_draw.draw d, promo_draw.entry e
WHERE d.name = 'due bench' AND d.status = 'open' AND e.draw_id = $SOURCE;
INSERT INTO promo_draw.prize (draw_id, name, value, quantity, payload)
SELECT d.draw_id, p.name, p.value, p.quantity, p.payload
FROM promo_draw.draw d, promo_draw.prize p
WHERE d.name = 'due bench' AND d.status = 'open' AND p.draw_id = $SOURCE;
SQL
}

results=$(mktemp)
echo "idle $(timed "SELECT 1;")" >>"$results"
for run in $(seq "$RUNS"); do
	make_due 1
	q -c "CHECKPOINT"
	echo "run_due_draws_1 $(timed "SELECT promo_draw.run_due_draws();")" >>"$results"
	make_due "$DRAWS"
	q -c "CHECKPOINT"
	echo "run_due_draws_$DRAWS $(timed "SELECT promo_draw.run_due_draws();")" >>"$results"
done

one_peak=$(peak run_due_draws_1 "$results")
idle=$(peak idle "$results")
echo
echo "$CUSTOMERS customers a draw, eligibility asked of every one; median ms of $RUNS runs, highest peak"
printf '%-22s %10s %16s %18s\n' call ms "peak RssAnon kB" "above idle, kB"
for name in run_due_draws_1 "run_due_draws_$DRAWS"; do
	awk -v n="$name" -v ms="$(median "$name" "$results")" -v p="$(peak "$name" "$results")" -v idle="$idle" \
		'BEGIN { printf "%-22s %10.1f %16s %18d\n", n, ms, p, p - idle }'
done
echo "an idle backend's RssAnon: $idle kB; work_mem = $(q -c 'SHOW work_mem')"
awk -v one="$one_peak" -v many="$(peak "run_due_draws_$DRAWS" "$results")" -v idle="$idle" -v n="$DRAWS" \
	'BEGIN { printf "%d draws in one call peak at %.2fx the memory above idle of a call drawing one\n", n, (many - idle) / (one - idle) }'
rm -f "$results"
q -c "DELETE FROM promo_draw.entry WHERE draw_id IN (SELECT draw_id FROM promo_draw.draw WHERE name IN ('due bench', 'due bench source'))" >/dev/null
q -c "TRUNCATE bench.due_source" >/dev/null
