# Shell helpers shared by the benchmarks; source it from bench/*.sh.

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# timed SQL: run SQL in a session of its own and print "ms peak_rss_anon_kb".
# The peak private memory of the backend (RssAnon: palloc'd memory, not
# shared buffers) is sampled every 20 ms while it runs.
timed() {
	local sql=$1 out pid peak=0 rss
	out=$(mktemp)
	{
		echo "SELECT pg_backend_pid();"
		echo "SELECT pg_sleep(0.3);"
		echo "\\timing on"
		echo "$sql"
	} | psql -X -q -At -v ON_ERROR_STOP=1 >"$out" 2>&1 &
	local client=$!
	while [ -z "$(head -n 1 "$out" 2>/dev/null)" ]; do sleep 0.01; done
	pid=$(head -n 1 "$out")
	while kill -0 "$client" 2>/dev/null; do
		rss=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss
		sleep 0.02
	done
	wait "$client" || { cat "$out" >&2; exit 1; }
	echo "$(grep -oE 'Time: [0-9.]+' "$out" | tail -n 1 | cut -d' ' -f2) $peak"
	rm -f "$out"
}

# median NAME FILE, peak NAME FILE: over lines "NAME ms peak_kb" in FILE
median() { grep "^$1 " "$2" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
peak() { grep "^$1 " "$2" | awk '{print $3}' | sort -n | tail -n 1; }

# script: a pgbench script from stdin, in a temporary file; prints its path
script() {
	local f
	f=$(mktemp)
	cat >"$f"
	echo "$f"
}

# tps FILE: the median tps of RUNS pgbench runs of DURATION seconds, 2 clients.
# A script may number its events as a feed does with "\set off :off + 1":
# :off starts each run at the time in microseconds, so offsets keep rising
# from run to run, by less than the most an offset may jump (10^9, doc/security.md
# "Limits"; nanoseconds would jump by 10^10 between runs).
tps() {
	local f=$1 runs=()
	for _ in $(seq "$RUNS"); do
		q -c "CHECKPOINT"
		runs+=("$(pgbench -n -M prepared -c 2 -j 2 -T "$DURATION" -D off="$(date +%s%6N)" -f "$f" 2>/dev/null |
			awk '/^tps/ {print $3; exit}')")
	done
	printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}
