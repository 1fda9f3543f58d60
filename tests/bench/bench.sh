#!/bin/bash
# make bench: load figures on the running instance (make run, full demo country).
# Each endpoint under wrk beside nginx serving a static file in the same run;
# requests/s, p50/p99 latency, ratio to static; the workers' memory.
# The per-person rate limit is lifted for the run (and restored after), and
# the statistics are measured with and without nginx's microcache.
#   DURATION=10s CONNECTIONS=64 THREADS=2 tests/bench/bench.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VAR=${VAR:-var}
PORT=${PORT:-8080}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BASE=http://127.0.0.1:$PORT
export PGHOST=$PWD/$VAR/run PGUSER=shailoo PGDATABASE=shailoo

if ! curl -fsS -o /dev/null "$BASE/api/v1/regions"; then
    echo "bench: no instance at $BASE; run 'make run' first" >&2
    exit 1
fi
voters=$(psql -X -qAt -c "SELECT count(*) FROM voters")
echo "bench: $voters voters in the database; $CONNECTIONS connections, $THREADS threads, $DURATION per run; $(nproc) cores"

tmp=$(mktemp -d)
restore() {
    VAR=$VAR PORT=$PORT scripts/instance.sh start >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap restore EXIT

# Bench setting: no rate limit on the lookup.
VAR=$VAR PORT=$PORT LOOKUP_RATE=1000000r/s LOOKUP_BURST=1000000 scripts/instance.sh start >/dev/null

psql -X -qAt -c "SELECT '/api/v1/tizme/voters/' || pin FROM voters WHERE status = 'active'
                 ORDER BY hashtext(pin) LIMIT 20000" >"$tmp/pins"
psql -X -qAt -c "SELECT DISTINCT '/api/v1/stations?q=' || settlement FROM stations" |
    sed 's/ /%20/g' >"$tmp/search"
psql -X -qAt -c "SELECT '/api/v1/stations/' || number FROM stations" >"$tmp/stations"

printf '%-34s %10s %9s %9s %9s %8s\n' endpoint req/s p50 p99 static/s ratio
run_pair() {  # name, wrk args for the endpoint...
    local name=$1
    shift
    # The endpoint and the static file in the same run, each with half the connections.
    wrk -t1 -c$((CONNECTIONS / 2)) -d"$DURATION" --latency "$BASE/index.html" >"$tmp/static.out" 2>&1 &
    local spid=$!
    wrk -t$((THREADS > 1 ? THREADS - 1 : 1)) -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$tmp/ep.out" 2>&1
    wait "$spid"
    local rps p50 p99 srps errs
    rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/ep.out")
    p50=$(awk '$1 == "50%" {print $2}' "$tmp/ep.out")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/ep.out")
    srps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/static.out")
    errs=$(awk '/Non-2xx/ {print $NF}' "$tmp/ep.out")
    printf '%-34s %10.0f %9s %9s %9.0f %8.2f%s\n' "$name" "$rps" "$p50" "$p99" "$srps" \
        "$(awk -v a="$rps" -v b="$srps" 'BEGIN {print (b > 0 ? a / b : 0)}')" \
        "${errs:+  (non-2xx: $errs)}"
}

PATHS_FILE=$tmp/pins run_pair "PIN lookup (random voters)" -s tests/bench/random_path.lua "$BASE/"
PATHS_FILE=$tmp/search run_pair "station search (settlements)" -s tests/bench/random_path.lua "$BASE/"
PATHS_FILE=$tmp/stations run_pair "station detail (random)" -s tests/bench/random_path.lua "$BASE/"
run_pair "statistics (microcache)" "$BASE/api/v1/tizme/stats"

VAR=$VAR PORT=$PORT LOOKUP_RATE=1000000r/s LOOKUP_BURST=1000000 MICROCACHE=off scripts/instance.sh start >/dev/null
run_pair "statistics (no microcache)" "$BASE/api/v1/tizme/stats"
run_pair "statistics by region (no cache)" "$BASE/api/v1/tizme/stats?region=4"

echo
echo "memory of the application (RSS / PSS, kB):"
master=$(cat "$VAR/run/shailoo.pid")
for pid in $master $(pgrep -P "$master"); do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo "?")
    role=worker
    [ "$pid" = "$master" ] && role=master
    printf '  %-7s pid %-7s RSS %7s  PSS %7s\n' "$role" "$pid" "$rss" "$pss"
done
