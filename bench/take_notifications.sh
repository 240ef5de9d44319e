#!/usr/bin/env bash
# Benchmark: handing out a drawn draw's 200,000 outcome messages (its
# results) with take_notifications in calls of 1,000, one transaction a
# call, by one consumer and by two at once, against the same messages as
# rows of a plain outbox table (a primary key and an index of undelivered
# rows) taken with UPDATE ... FOR UPDATE SKIP LOCKED, as take_notifications
# did before a draw wrote each outcome once.  Time to hand out every
# message; medians of RUNS runs, each from every message undelivered.
set -euo pipefail
cd "$(dirname "$0")"
CUSTOMERS=${CUSTOMERS:-200000}
RUNS=${RUNS:-3}
BATCH=1000
export PGOPTIONS='-c client_min_messages=warning'

. ./lib.sh

q -f lib.sql
echo "setting up a drawn draw of $CUSTOMERS customers (not timed)"
DRAW=$(q <<SQL
SELECT count(*) FROM promo_draw.take_notifications(100000000) \g /dev/null
SELECT promo_draw.create_draw('take_notifications bench', '2100-01-01', opens_at => '2000-01-01',
                              partitions => 1, milestones => '{}') AS d \gset
SELECT count(promo_draw.award_tickets(:d, c, 1)) FROM generate_series(1, $CUSTOMERS) c \g /dev/null
SELECT count(promo_draw.add_prize(:d, 'Prize ' || i, 1000 - i)) FROM generate_series(1, 1000) i \g /dev/null
SELECT promo_draw.close_partition(:d, 0) \g /dev/null
SELECT count(*) FROM promo_draw.run_draw(:d) \g /dev/null
DROP TABLE IF EXISTS bench.plain_outbox;
CREATE TABLE bench.plain_outbox (notification_id bigint PRIMARY KEY, customer_id bigint NOT NULL,
                                 draw_id bigint, kind text NOT NULL, payload jsonb NOT NULL,
                                 created_at timestamptz NOT NULL, delivered_at timestamptz);
CREATE INDEX ON bench.plain_outbox (notification_id) WHERE delivered_at IS NULL;
INSERT INTO bench.plain_outbox
SELECT notification_id, customer_id, draw_id, kind, payload, created_at, NULL
FROM promo_draw.notification WHERE draw_id = :d;
CREATE OR REPLACE FUNCTION bench.plain_take(max_count int) RETURNS SETOF bench.plain_outbox
LANGUAGE sql AS \$\$
	WITH picked AS (
		SELECT n.notification_id FROM bench.plain_outbox n WHERE n.delivered_at IS NULL
		ORDER BY n.notification_id LIMIT max_count FOR UPDATE SKIP LOCKED
	), taken AS (
		UPDATE bench.plain_outbox n SET delivered_at = now()
		FROM picked WHERE n.notification_id = picked.notification_id RETURNING n.*
	)
	SELECT * FROM taken ORDER BY notification_id
\$\$;
SELECT :d;
SQL
)
MESSAGES=$(q -c "SELECT count(*) FROM promo_draw.notification WHERE draw_id = $DRAW")

# reset: every message of the draw undelivered again, in both forms
reset() {
	q <<SQL
UPDATE promo_draw.result SET delivered_at = NULL WHERE draw_id = $DRAW;
DELETE FROM promo_draw.outcome_delivery WHERE draw_id = $DRAW;
INSERT INTO promo_draw.outcome_delivery (draw_id) VALUES ($DRAW);
UPDATE bench.plain_outbox SET delivered_at = NULL;
VACUUM ANALYZE promo_draw.result, promo_draw.outcome_delivery, bench.plain_outbox;
CHECKPOINT;
SQL
}

# drain CALL CONSUMERS: ms until CONSUMERS sessions calling CALL($BATCH),
# a transaction a call, have handed out every message; checks the count
drain() {
	local call=$1 consumers=$2 start end f pids=() got
	f=$(mktemp)
	for _ in $(seq $((MESSAGES / BATCH + 20))); do
		echo "SELECT count(*) FROM $call($BATCH);"
	done >"$f"
	start=$(date +%s%N)
	for c in $(seq "$consumers"); do
		q -f "$f" >"$f.$c" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	end=$(date +%s%N)
	got=$(cat "$f".* | awk '{s += $1} END {print s}')
	[ "$got" = "$MESSAGES" ] || { echo "$call with $consumers consumers handed out $got of $MESSAGES" >&2; exit 1; }
	rm -f "$f" "$f".*
	echo $(((end - start) / 1000000))
}

results=$(mktemp)
for run in $(seq "$RUNS"); do
	for consumers in 1 2; do
		reset
		echo "promo_$consumers $(drain promo_draw.take_notifications "$consumers")" >>"$results"
		reset
		echo "plain_$consumers $(drain bench.plain_take "$consumers")" >>"$results"
	done
done

echo
echo "$MESSAGES outcome messages of one draw, calls of $BATCH, a transaction a call; median of $RUNS runs"
printf '%-52s %8s %12s %10s\n' "" "ms" "messages/s" "x plain"
for consumers in 1 2; do
	plain=$(median "plain_$consumers" "$results")
	promo=$(median "promo_$consumers" "$results")
	printf '%-52s %8s %12s %10s\n' "plain outbox table, $consumers consumer(s)" "$plain" \
		"$((MESSAGES * 1000 / plain))" "1.00"
	printf '%-52s %8s %12s %10s\n' "take_notifications from the results, $consumers consumer(s)" "$promo" \
		"$((MESSAGES * 1000 / promo))" "$(awk -v a="$promo" -v b="$plain" 'BEGIN {printf "%.2f", a / b}')"
done
echo "run by run (ms):"
sort "$results" | awk '{a[$1] = a[$1] " " $2} END {for (k in a) print "  " k ":" a[k]}' | sort
rm -f "$results"
