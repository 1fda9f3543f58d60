#!/bin/bash
# make bench: load figures on the running instance (make run, full demo country).
# Each endpoint under wrk right after the references, in the same run: nginx
# serving a static file (static/index.html, and for a published answer a
# static copy of the same bytes) and a bare FastCGI answer (tests/bench/hello.c
# behind the same nginx).  Prints requests/s, p50/p99 latency and the ratios
# to the references; then the workers' memory and the election night.
# The per-address rate limits are lifted for the run (and restored after).
#   DURATION=10s WARMUP=3s CONNECTIONS=64 THREADS=2 tests/bench/bench.sh
# ONLY=talapker measures Talapker's reads alone (beside the same references);
# ONLY=verify the observer's verifier over a whole night (tests/bench/verify.sh);
# ONLY=boundary a district's voters reassigned by a boundary change (tests/bench/boundary.mjs);
# ONLY=xroad the X-Road provider's voter status beside the PIN lookup (tests/bench/xroad.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
VAR=${VAR:-var}
PORT=${PORT:-8080}
ONLY=${ONLY:-}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
BASE=http://127.0.0.1:$PORT
E=202701                      # the demo's election night (tests/bench/night.sh)
USER_NAME=${SHAILOO_USER:-shailoo}
export PGHOST=$PWD/$VAR/run PGUSER=$USER_NAME PGDATABASE=shailoo

if ! curl -fsS -o /dev/null "$BASE/api/v1/regions"; then
    echo "bench: no instance at $BASE; run 'make run' first" >&2
    exit 1
fi
[ -x build/bench-hello ] || make --no-print-directory build/bench-hello >/dev/null
voters=$(psql -X -qAt -c "SELECT count(*) FROM voters")
echo "bench: $(date -u +%F), $voters voters in the database; $CONNECTIONS connections, $THREADS threads, $DURATION per run; $(nproc) cores"

tmp=$(mktemp -d)
hello_pid=""
restore() {
    [ -z "$hello_pid" ] || kill -- -"$hello_pid" 2>/dev/null || true
    [ -z "${loop_pid:-}" ] || kill "$loop_pid" 2>/dev/null || true
    rm -rf "$VAR/bench" "$tmp"
    VAR=$VAR PORT=$PORT scripts/instance.sh start >/dev/null 2>&1 || true
}
trap restore EXIT

NOLIMITS="LOOKUP_RATE=1000000r/s LOOKUP_BURST=1000000 DIRECT_RATE=1000000r/s DIRECT_BURST=1000000
          DIRECT_EXPORT_RATE=1000000r/s DIRECT_EXPORT_BURST=1000000 EXPORT_CONNS=65000 EXPORT_RATE=0
          XROAD_RATE=1000000r/s XROAD_BURST=1000000"
start() { env VAR="$VAR" PORT="$PORT" $NOLIMITS "$@" scripts/instance.sh start >/dev/null; }
start
if [ "$ONLY" = verify ]; then
    VAR=$VAR PORT=$PORT tests/bench/verify.sh
    exit
fi
boundary() { SHAILOO_URL=$BASE SHAILOO_VAR=$PWD/$VAR node tests/bench/boundary.mjs; }
if [ "$ONLY" = boundary ]; then
    boundary
    exit
fi
if [ "$ONLY" = xroad ]; then
    VAR=$VAR PORT=$PORT DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS tests/bench/xroad.sh
    exit
fi

# The bare FastCGI answer: as many processes as the application has workers.
workers=$(pgrep -P "$(cat "$VAR/run/shailoo.pid")" | wc -l)
mkdir -p "$VAR/bench"
chown "$USER_NAME:" "$VAR/bench"
setsid setpriv --reuid="$USER_NAME" --regid="$USER_NAME" --init-groups -- \
    build/bench-hello "$VAR/run/hello.sock" "$(nproc | awk '{print $1 * 2}')" </dev/null >/dev/null 2>&1 &
hello_pid=$!
for _ in $(seq 50); do [ -S "$VAR/run/hello.sock" ] && break; sleep 0.1; done
# (its socket exists a moment before it accepts: ask a few times)
for _ in $(seq 30); do curl -fsS -o /dev/null "$BASE/bench/hello" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "$BASE/bench/hello" || { echo "bench: the bare FastCGI answer does not answer" >&2; exit 1; }

psql -X -qAt -c "SELECT '/api/v1/tizme/voters/' || pin FROM voters WHERE status = 'active'
                 ORDER BY hashtext(pin) LIMIT 20000" >"$tmp/pins"
psql -X -qAt -c "SELECT DISTINCT settlement FROM stations" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () =>
        s.split("\n").filter(Boolean).forEach((x) => console.log("/api/v1/stations?q=" + encodeURIComponent(x))))' \
    >"$tmp/search"
psql -X -qAt -c "SELECT '/api/v1/stations/' || number FROM stations" >"$tmp/stations"
psql -X -qAt -c "SELECT '/api/v1/results/elections/$E/stations/' || number FROM stations" >"$tmp/results_stations"

# wrk's figures: requests/s, p50, p99, non-2xx count.
figures() {
    awk '/^Requests\/sec/ {r = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
         /Non-2xx/ {e = $NF} END {printf "%s %s %s %s\n", r, p50, p99, (e == "" ? 0 : e)}' "$1"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

header() {
    printf '\n%-38s %9s %8s %8s %9s %6s %9s %6s %7s\n' endpoint req/s p50 p99 static/s ratio hello/s ratio non-2xx
}
# name, static reference path, wrk arguments for the endpoint...
# A warm-up first (PostgreSQL's buffers, the workers' caches), unmeasured;
# then the static file, the bare FastCGI answer and the endpoint, back to back.
run_ref() {
    local name=$1 ref=$2
    shift 2
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP:-3s}" "$@" >/dev/null 2>&1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$ref" >"$tmp/static.out" 2>&1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE/bench/hello" >"$tmp/hello.out" 2>&1
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$tmp/ep.out" 2>&1
    local rps p50 p99 errs srps hrps
    read -r rps p50 p99 errs < <(figures "$tmp/ep.out")
    srps=$(figures "$tmp/static.out" | cut -d' ' -f1)
    hrps=$(figures "$tmp/hello.out" | cut -d' ' -f1)
    printf '%-38s %9.0f %8s %8s %9.0f %6s %9.0f %6s %7s\n' "$name" "$rps" "$p50" "$p99" "$srps" \
        "$(ratio "$rps" "$srps")" "$hrps" "$(ratio "$rps" "$hrps")" "$errs"
}
# The home page as nginx sends it (its header included by SSI), kept as a plain
# file: the reference is a static file's cost, not SSI's.
curl -fsS -o "$VAR/bench/index.html" "$BASE/"
chmod 644 "$VAR/bench/index.html"
run_pair() { local name=$1; shift; run_ref "$name" /bench/static/index.html "$@"; }
# A published answer, against a static copy of its very bytes.
run_published() {
    local name=$1 path=$2 copy
    copy=$(echo "$path" | tr '/' '_')
    curl -fsS -o "$VAR/bench/$copy" "$BASE$path"
    chmod 644 "$VAR/bench/$copy"
    run_ref "$name ($(stat -c %s "$VAR/bench/$copy") B)" "/bench/static/$copy" "$BASE$path"
}

echo "references: the home page as a plain static file ($(stat -c %s "$VAR/bench/index.html") B; for a published answer, a static copy of it),"
echo "the bare FastCGI answer /bench/hello ($(nproc | awk '{print $1 * 2}') processes; the application has $workers children: workers and publishers)"
if [ -z "$ONLY" ]; then
header
PATHS_FILE=$tmp/pins run_pair "PIN lookup (random voters)" -s tests/bench/random_path.lua "$BASE/"
PATHS_FILE=$tmp/search run_pair "station search (settlements)" -s tests/bench/random_path.lua "$BASE/"
PATHS_FILE=$tmp/stations run_pair "station detail (random)" -s tests/bench/random_path.lua "$BASE/"
run_published "statistics (published)" /api/v1/tizme/stats
run_pair "statistics (asked directly)" -H "X-Shailoo-Direct: 1" "$BASE/api/v1/tizme/stats?region=4"

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
# Another agency's call of our X-Road voter status (mTLS) beside the public lookup (tests/bench/xroad.sh).
VAR=$VAR PORT=$PORT DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS tests/bench/xroad.sh ||
    echo "bench: the X-Road provider's bench failed (above)"
fi

# Talapker: the public candidate list of the demo election (the first page, and
# random parties' lists), and one fund of a million lines read a keyset page at
# a time from random places (the totals are kept by the writes, never counted).
echo
echo "Talapker (election $E):"
header
run_pair "candidates of an election (first page)" "$BASE/api/v1/elections/$E/candidates"
psql -X -qAt -c "SELECT '/api/v1/elections/$E/candidates?party=' || id FROM parties WHERE id < 1000" >"$tmp/lists"
PATHS_FILE=$tmp/lists run_pair "a party's candidates (random party)" -s tests/bench/random_path.lua "$BASE/"
BIGFUND=$(psql -X -qAt -c "SELECT id FROM nominations WHERE election_id = $E AND kind = 'list' AND party_id = 1")
if [ -n "$BIGFUND" ]; then
    have=$(psql -X -qAt -c "SELECT count(*) FROM fund_lines WHERE nomination_id = $BIGFUND")
    if [ "$have" -lt 1000000 ]; then
        echo "bench: filling party 1's fund to 1,000,000 lines (once; batch 'bench')"
        t0=$SECONDS
        psql -X -q -v ON_ERROR_STOP=1 -c "
            INSERT INTO fund_lines (nomination_id, direction, category, counterparty, donor_id, amount, line_date,
                                    description, batch, created_by)
            SELECT $BIGFUND, 'income', 'citizen', 'Жертвователь ' || g, lpad((30000000000000 + g)::text, 14, '0'),
                   100 + g % 5000, date '2026-11-01' + g % 30, 'пожертвование', 'bench', created_by
              FROM generate_series(1, 1000000 - $have) g, nominations WHERE id = $BIGFUND"
        echo "bench: $((1000000 - have)) lines in $((SECONDS - t0)) s (the totals kept row by row by the trigger)"
    fi
    read -r lo hi < <(psql -X -qAt -F' ' -c "SELECT min(id), max(id) FROM fund_lines WHERE nomination_id = $BIGFUND")
    awk -v lo="$lo" -v hi="$hi" -v f="$BIGFUND" 'BEGIN {srand(7); for (i = 0; i < 20000; i++)
        printf "/api/v1/funds/%s/lines?limit=100&after=%d\n", f, lo + int(rand() * (hi - lo))}' >"$tmp/fund_pages"
    PATHS_FILE=$tmp/fund_pages run_pair "a fund's page of 100 lines (1M, keyset)" -s tests/bench/random_path.lua "$BASE/"
    run_pair "a fund's totals (1M lines)" "$BASE/api/v1/funds/$BIGFUND"
fi

[ "$ONLY" != talapker ] || exit 0

echo
echo "memory of the application (RSS / PSS, kB):"
master=$(cat "$VAR/run/shailoo.pid")
for pid in $master $(pgrep -P "$master"); do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo "?")
    role=child
    [ "$pid" = "$master" ] && role=master
    printf '  %-7s pid %-7s RSS %7s  PSS %7s\n' "$role" "$pid" "$rss" "$pss"
done

# Election night: every demo device's reports, the finals within 10 s (tests/bench/night.sh).
echo
VAR=$VAR PORT=$PORT tests/bench/night.sh || echo "bench: the election night missed (above)"
# The observer's verifier over a whole night with its manual count (tests/bench/verify.sh; alone: ONLY=verify).
VAR=$VAR PORT=$PORT tests/bench/verify.sh || echo "bench: the verifier found mismatches or missed its target (above)"
# Every voter of a district reassigned by one boundary change (alone: ONLY=boundary).
boundary || echo "bench: the boundary change failed (above)"

# The night's results under readers: the published files, and the application asked directly.
R=/api/v1/results/elections/$E
for _ in $(seq 100); do   # the exports are written every few seconds at most
    [ "$(curl -s "$BASE$R/export/list.csv" | awk -F, 'NR > 1 && $5 == 1' | wc -l)" = \
      "$(psql -X -qAt -c "SELECT count(*) FROM stations")" ] && break
    sleep 0.5
done
header
run_published "results summary (published)" "$R/summary"
run_published "results of station 1001 (published)" "$R/stations/1001"
PATHS_FILE=$tmp/results_stations run_pair "results of a station (random, published)" -s tests/bench/random_path.lua "$BASE/"
run_published "export list.csv (published)" "$R/export/list.csv"
run_published "export stations.json (published)" "$R/export/stations.json"
run_pair "results summary (asked directly)" -H "X-Shailoo-Direct: 1" "$BASE$R/summary"
PATHS_FILE=$tmp/results_stations run_pair "a station's results (asked directly)" -H "X-Shailoo-Direct: 1" \
    -s tests/bench/random_path.lua "$BASE/"

# The largest export looped by 8 clients while people look themselves up.
loop() {   # extra wrk arguments...
    wrk -t1 -c8 -d"$(( ${DURATION%s} + 4 ))s" "$@" "$BASE$R/export/stations.json" >"$tmp/loop.out" 2>&1 &
    loop_pid=$!
    sleep 2
    PATHS_FILE=$tmp/pins wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
        -s tests/bench/random_path.lua "$BASE/" >"$tmp/ep.out" 2>&1
    wait "$loop_pid" || true
    loop_pid=""
    local rps p50 p99 errs
    read -r rps p50 p99 errs < <(figures "$tmp/ep.out")
    printf '  PIN lookup %7.0f req/s, p50 %s, p99 %s (target p99 < 20 ms); the export looped %s times (%s)\n' \
        "$rps" "$p50" "$p99" "$(awk '/requests in/ {print $1}' "$tmp/loop.out")" \
        "$(awk '/Non-2xx/ {print $NF " refused"}' "$tmp/loop.out" | grep . || echo "none refused")"
}
echo
echo "8 clients loop the largest export (stations.json, $(curl -s "$BASE$R/export/stations.json" | wc -c) B), with the production"
echo "limits (4 downloads at once per address at 16 MB/s each; asked directly, one every 6 s per address):"
start DIRECT_RATE=5r/s DIRECT_BURST=20 DIRECT_EXPORT_RATE=10r/m DIRECT_EXPORT_BURST=3 EXPORT_CONNS=4 EXPORT_RATE=16m
echo " the published file:"
loop
echo " asked directly (X-Shailoo-Direct: 1), past the published file:"
loop -H "X-Shailoo-Direct: 1"
