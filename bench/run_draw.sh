#!/usr/bin/env bash
# Benchmark: run_draw over 1,000,000 customers (1 to 3 tickets each) with
# 1,000 prizes, results and notifications included, seeded and sealed (the
# same ticket counts, ordered by a beacon), against
#   - the plain-SQL draw: row_number() over the best tickets joined to the
#     prize list, inserted into a results table with the same primary key;
#   - the floor: CREATE TABLE AS copying the entries.
# Each is run 4 times after a CHECKPOINT; medians are reported.  The
# seeded and the sealed draw go first in turns: the second of a pair runs
# slower (it meets the first one's writes), so an even number of runs keeps
# the comparison fair, and the ratio of each pair is shown too.  The peak
# private memory of the backend (bench/lib.sh) is compared with work_mem.
set -euo pipefail
cd "$(dirname "$0")"
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-4}

. ./lib.sh

q -f lib.sql
echo "setting up a draw of $CUSTOMERS customers (award_tickets, not timed here)"
SOURCE=$(q <<SQL
SET client_min_messages = warning;
SELECT promo_draw.create_draw('run_draw bench source', now() + interval '1 day', milestones => '{}') AS d \gset
SELECT count(promo_draw.award_tickets(:d, c, 1 + c % 3)) FROM generate_series(1, $CUSTOMERS) c \g /dev/null
SELECT promo_draw.add_prize(:d, 'Prize ' || i, 1000 - i) FROM generate_series(1, 1000) i \g /dev/null
DROP TABLE IF EXISTS bench.plain_result;
CREATE TABLE bench.plain_result (draw_id bigint, place bigint, customer_id bigint, ticket uuid,
                                 prize_id bigint, outcome text, PRIMARY KEY (draw_id, place));
VACUUM ANALYZE promo_draw.entry;
SELECT :d;
SQL
)
WORK_MEM=$(q -c "SHOW work_mem")

# clone_source SEALED: a ready draw holding the source's entries and prizes,
# sealed (its beacon not yet set) or seeded; prints its id
clone_source() {
	q <<SQL
SET client_min_messages = warning;
SELECT promo_draw.create_draw('run_draw bench', now() + interval '1 day', partitions => 1,
                              milestones => '{}', sealed => $1,
                              beacon_source => CASE WHEN $1 THEN 'the bench' END,
                              beacon_due_at => CASE WHEN $1 THEN now() + interval '2 days' END) AS d \gset
INSERT INTO promo_draw.entry (draw_id, customer_id, tickets, stake, stake_tickets, best, opted_in, entry_ref)
SELECT :d, customer_id, tickets, stake, stake_tickets, CASE WHEN $1 THEN '{}' ELSE best END, opted_in,
       promo_draw.entry_ref(:d, customer_id)
FROM promo_draw.entry WHERE draw_id = $SOURCE;
INSERT INTO promo_draw.prize (draw_id, name, value, quantity, payload)
SELECT :d, name, value, quantity, payload FROM promo_draw.prize WHERE draw_id = $SOURCE;
SELECT promo_draw.close_partition(:d, 0) \g /dev/null
-- a sealed draw's beacon is due two days on: its times move into the past,
-- and its digest, which covers the due time, follows
UPDATE promo_draw.draw
SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02',
    sealed_at = '2000-01-02 12:00', seal_committed_at = '2000-01-02 12:00:01', beacon_due_at = '2000-01-03'
WHERE draw_id = :d AND sealed;
UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest(:d) WHERE draw_id = :d AND sealed;
SELECT :d;
SQL
}

results=$(mktemp)
echo "idle $(timed "SELECT 1;")" >>"$results"
for run in $(seq "$RUNS"); do
	# the same entries seeded and sealed (sealed and given its beacon, not
	# timed); which goes first alternates, so neither always follows the
	# other's writes
	seeded=$(clone_source false)
	sealed=$(clone_source true)
	q -c "SELECT promo_draw.set_beacon($sealed, sha256('bench round $run'))" >/dev/null
	if [ $((run % 2)) -eq 1 ]; then order="$seeded $sealed"; else order="$sealed $seeded"; fi
	for d in $order; do
		name=run_draw
		[ "$d" = "$sealed" ] && name=run_draw_sealed
		q -c "CHECKPOINT"
		echo "$name $(timed "SELECT count(*) FROM promo_draw.run_draw($d);")" >>"$results"
	done

	q -c "TRUNCATE bench.plain_result; CHECKPOINT"
	echo "plain_sql $(timed "INSERT INTO bench.plain_result
SELECT $SOURCE, t.place, t.customer_id, t.ticket, u.prize_id,
       CASE WHEN u.prize_id IS NULL THEN 'lost' ELSE 'won' END
FROM (SELECT e.customer_id, b.ticket, row_number() OVER (ORDER BY b.ticket DESC, e.customer_id) AS place
      FROM promo_draw.entry e, unnest(e.best) b(ticket) WHERE e.draw_id = $SOURCE) t
LEFT JOIN (SELECT p.prize_id, row_number() OVER (ORDER BY p.value DESC, p.prize_id, n) AS k
           FROM promo_draw.prize p, generate_series(1, p.quantity) n WHERE p.draw_id = $SOURCE) u
       ON u.k = t.place;")" >>"$results"

	q -c "DROP TABLE IF EXISTS bench.floor; CHECKPOINT"
	echo "floor $(timed "CREATE TABLE bench.floor AS SELECT * FROM promo_draw.entry WHERE draw_id = $SOURCE;")" >>"$results"
done

draw=$(median run_draw "$results")
plain=$(median plain_sql "$results")
floor=$(median floor "$results")
echo
echo "$CUSTOMERS customers, 1,000 prizes; median of $RUNS runs; work_mem = $WORK_MEM"
printf '%-34s %10s %9s %9s %16s\n' query ms "x plain" "x floor" "peak RssAnon kB"
for name in run_draw run_draw_sealed plain_sql floor; do
	ms=$(median "$name" "$results")
	awk -v n="$name" -v ms="$ms" -v plain="$plain" -v floor="$floor" -v peak="$(peak "$name" "$results")" \
		'BEGIN { printf "%-34s %10.1f %9.2f %9.2f %16s\n", n, ms, ms / plain, ms / floor, peak }'
done
echo "an idle backend's RssAnon: $(peak idle "$results") kB"
sealed=$(median run_draw_sealed "$results")
awk -v s="$sealed" -v d="$draw" 'BEGIN { printf "sealed run_draw / seeded run_draw: %.2f (medians)", s / d }'
paste <(grep '^run_draw ' "$results" | awk '{print $2}') <(grep '^run_draw_sealed ' "$results" | awk '{print $2}') |
	awk '{ printf "%s%.2f", (NR == 1 ? "; run by run: " : ", "), $2 / $1 } END { print "" }'
echo "target: run_draw <= 1.0 x plain_sql; sealed no slower than seeded; peak memory within work_mem plus a small constant"
rm -f "$results"
q -c "DROP TABLE IF EXISTS bench.floor, bench.plain_result"
