#!/bin/bash
# make bench: load figures on the running instance (make run, full demo country).
# Each endpoint under wrk right after nginx serving a static file, in the same run;
# requests/s, p50/p99 latency, ratio to static; the workers' memory.
# The per-person rate limit is lifted for the run (and restored after), and
# the statistics are measured with and without nginx's microcache.
#   DURATION=10s WARMUP=3s CONNECTIONS=64 THREADS=2 tests/bench/bench.sh
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
psql -X -qAt -c "SELECT DISTINCT settlement FROM stations" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
        s.split("\n").filter(Boolean).forEach((x) => console.log("/api/v1/stations?q=" + encodeURIComponent(x))))' \
    >"$tmp/search"
psql -X -qAt -c "SELECT '/api/v1/stations/' || number FROM stations" >"$tmp/stations"
psql -X -qAt -c "SELECT '/api/v1/results/elections/202701/stations/' || number FROM stations" >"$tmp/results_stations"

# wrk's figures: requests/s, p50, p99, non-2xx count.
figures() {
    awk '/^Requests\/sec/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
         /Non-2xx/ {e = $NF} END {printf "%s %s %s %s\n", r, p50, p99, (e == "" ? 0 : e)}' "$1"
}

printf '%-34s %10s %9s %9s %10s %7s %8s\n' endpoint req/s p50 p99 static/s ratio non-2xx
run_pair() {  # name, wrk arguments for the endpoint...
    local name=$1
    shift
    # A warm-up first (PostgreSQL's buffers, the workers' caches), unmeasured;
    # then nginx serving a static file and the endpoint, back to back.
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-3s}" "$@" >/dev/null 2>&1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE/index.html" >"$tmp/static.out" 2>&1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$tmp/ep.out" 2>&1
    local rps p50 p99 errs srps
    read -r rps p50 p99 errs < <(figures "$tmp/ep.out")
    srps=$(figures "$tmp/static.out" | cut -d' ' -f1)
    printf '%-34s %10.0f %9s %9s %10.0f %7.2f %8s\n' "$name" "$rps" "$p50" "$p99" "$srps" \
        "$(awk -v a="$rps" -v b="$srps" 'BEGIN {print (b > 0 ? a / b : 0)}')" "$errs"
}

PATHS_FILE=$tmp/pins run_pair "PIN lookup (random voters)" -s tests/bench/random_path.lua "$BASE/"
PATHS_FILE=$tmp/search run_pair "station search (settlements)" -s tests/bench/random_path.lua "$BASE/"
PATHS_FILE=$tmp/stations run_pair "station detail (random)" -s tests/bench/random_path.lua "$BASE/"
run_pair "statistics (microcache)" "$BASE/api/v1/tizme/stats"

# Signed in (session verification included): a demo voter through the ESIA stand-in.
jar=$tmp/cookies
loc=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
      "$BASE/auth/esia/login?next=/&login_hint=21505199000011")
cb=$(curl -s -o /dev/null -w '%{redirect_url}' "$loc")
curl -s -c "$jar" -b "$jar" -o /dev/null "$cb"
session=$(awk '$6 == "shailoo_session" {print $7}' "$jar")
if [ -n "$session" ]; then
    run_pair "GET /api/v1/me (signed in)" -H "Cookie: shailoo_session=$session" "$BASE/api/v1/me"
    run_pair "GET /api/v1/cabinet (signed in)" -H "Cookie: shailoo_session=$session" "$BASE/api/v1/cabinet"
else
    echo "bench: could not sign in through the ESIA stand-in; skipping the signed-in routes"
fi

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

# Election night: every demo device's reports, the finals within 10 s (tests/bench/night.sh).
VAR=$VAR PORT=$PORT scripts/instance.sh start >/dev/null
echo
VAR=$VAR PORT=$PORT tests/bench/night.sh || echo "bench: the election night missed (above)"

# The night's results under readers: the summary as deployed (the workers
# keep it 250 ms), with nothing cached, and with nginx's 1 s microcache.
echo
printf '%-34s %10s %9s %9s %10s %7s %8s\n' endpoint req/s p50 p99 static/s ratio non-2xx
SUMMARY=$BASE/api/v1/results/elections/202701/summary
run_pair "results summary (workers' cache)" "$SUMMARY"
PATHS_FILE=$tmp/results_stations run_pair "results of a station (random)" -s tests/bench/random_path.lua "$BASE/"
VAR=$VAR PORT=$PORT RESULTS_CACHE_MS=0 scripts/instance.sh start >/dev/null
run_pair "results summary (no cache)" "$SUMMARY"
VAR=$VAR PORT=$PORT RESULTS_MICROCACHE=on scripts/instance.sh start >/dev/null
run_pair "results summary (nginx microcache)" "$SUMMARY"
