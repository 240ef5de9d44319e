#!/usr/bin/env bash
# Benchmark: the public record of a drawn draw of 1,000,000 customers (1 to
# 3 tickets each, seeded, 1,000 prizes), exported with draw_record_rows as
# JSON Lines, against COPY of the same rows (entries by reference with their
# best tickets, results by place) in the same format; the record's size per
# entry; and tools/verify-draw's time to check it whole.  Medians of RUNS
# runs.  Targets: export <= 1.5 x COPY; the verifier under a minute.
set -euo pipefail
cd "$(dirname "$0")"
CUSTOMERS=${CUSTOMERS:-1000000}
RUNS=${RUNS:-3}

. ./lib.sh

q -f lib.sql
echo "setting up and drawing a draw of $CUSTOMERS customers (not timed)"
D=$(q <<SQL
SET client_min_messages = warning;
SELECT promo_draw.create_draw('record bench', now() + interval '1 day', opens_at => now() - interval '1 hour',
                              max_wins_per_customer => 2, milestones => '{}') AS d \gset
SELECT promo_draw.award_tickets(:d, array_agg(c), array_agg(1 + c % 3))
FROM generate_series(1, $CUSTOMERS) c GROUP BY c / 10000 \g /dev/null
SELECT promo_draw.add_prize(:d, 'Prize ' || i, 1000 - i, 1, jsonb_build_object('sku', 'sku-' || i))
FROM generate_series(1, 1000) i \g /dev/null
UPDATE promo_draw.draw SET closes_at = now(), draw_at = now() WHERE draw_id = :d;
SELECT count(*) FROM promo_draw.run_draw(:d) \g /dev/null
VACUUM ANALYZE promo_draw.entry, promo_draw.result;
SELECT :d;
SQL
)
OUT=$(mktemp -d)
chmod 777 "$OUT"
FORMAT="WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')"

results=$(mktemp)
for _ in $(seq "$RUNS"); do
	q -c "CHECKPOINT"
	echo "record $(timed "COPY (SELECT r FROM promo_draw.draw_record_rows($D) r) TO '$OUT/record.jsonl' $FORMAT;")" >>"$results"
	q -c "CHECKPOINT"
	echo "copy $(timed "COPY (SELECT e.entry_ref, e.tickets, e.best FROM promo_draw.entry e
	                          WHERE e.draw_id = $D AND e.tickets > 0 ORDER BY e.entry_ref) TO '$OUT/entries.csv';
	                    COPY (SELECT r.place, r.entry_ref, r.ticket, r.prize_id, r.outcome FROM promo_draw.result r
	                          WHERE r.draw_id = $D ORDER BY r.place) TO '$OUT/results.csv';")" >>"$results"
done
for _ in $(seq "$RUNS"); do
	start=$(date +%s%N)
	verdict=$(python3 ../tools/verify-draw "$OUT/record.jsonl")
	echo "verify $((($(date +%s%N) - start) / 1000000)) 0" >>"$results"
done

record=$(median record "$results")
copy=$(median copy "$results")
verify=$(median verify "$results")
bytes=$(stat -c %s "$OUT/record.jsonl")
copy_bytes=$(($(stat -c %s "$OUT/entries.csv") + $(stat -c %s "$OUT/results.csv")))
echo
echo "$CUSTOMERS customers, max 2 wins, 1,000 prizes; median of $RUNS runs"
awk -v r="$record" -v c="$copy" 'BEGIN { printf "draw_record_rows export: %.1f ms; COPY of the same rows: %.1f ms; ratio %.2f\n", r, c, r / c }'
awk -v b="$bytes" -v cb="$copy_bytes" -v n="$CUSTOMERS" 'BEGIN { printf "record: %d bytes, %.1f per entry (entry and result lines); the COPY: %.1f per entry\n", b, b / n, cb / n }'
echo "tools/verify-draw: $verify ms ($verdict)"
echo "targets: export <= 1.5 x COPY; verifier under 60,000 ms"
rm -rf "$OUT" "$results"
