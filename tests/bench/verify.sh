#!/bin/bash
# An observer's verifier over a whole night, on the running instance (make
# run, full demo country): every station's ASU device (bin/shailoo-asu, keys
# under $VAR/asu) sends its day and its final over NIGHT_SECONDS, the
# commissions' protocols follow (scripts/instance.sh demo-protocols), and
# once the published answers show it all, bin/shailoo-verify reads the whole
# log and every answer, replays and compares them: its time, the log entries
# and stations it checked (target: under a minute, everything matching);
# then offline from the copy it kept (--save, --dir), and online again.
# The night's results of the demo election are deleted first (one transaction).
#   VAR=var PORT=8080 NIGHT_SECONDS=10 NIGHT_CONCURRENCY=32 tests/bench/verify.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VAR=${VAR:-var}
PORT=${PORT:-8080}
NIGHT_SECONDS=${NIGHT_SECONDS:-10}
NIGHT_CONCURRENCY=${NIGHT_CONCURRENCY:-32}
ELECTION=202701
BASE=http://127.0.0.1:$PORT
R=$BASE/api/v1/results/elections/$ELECTION
export PGHOST=$PWD/$VAR/run PGUSER=${SHAILOO_USER:-shailoo} PGDATABASE=shailoo

if ! curl -fsS -o /dev/null "$BASE/api/v1/regions"; then
    echo "verify: no instance at $BASE; run 'make run' first" >&2
    exit 1
fi
if [ ! -x bin/shailoo-asu ] || [ ! -x bin/shailoo-verify ] || [ ! -s "$VAR/asu/ballots.txt" ]; then
    echo "verify: no simulator, verifier or demo devices (make build, then scripts/instance.sh start)" >&2
    exit 1
fi

# The night (as tests/bench/night.sh resets it) and the manual count.
psql -X -q -v ON_ERROR_STOP=1 -1 \
    -c "DELETE FROM results_log WHERE election_id = $ELECTION" \
    -c "DELETE FROM results_log_head WHERE election_id = $ELECTION" \
    -c "DELETE FROM station_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
    -c "DELETE FROM area_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
    -c "DELETE FROM protocol_versions WHERE election_id = $ELECTION" \
    -c "DELETE FROM station_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
    -c "DELETE FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
    -c "DELETE FROM station_turnout WHERE election_id = $ELECTION" \
    -c "DELETE FROM area_turnout WHERE election_id = $ELECTION" \
    -c "DELETE FROM station_identification WHERE election_id = $ELECTION" \
    -c "DELETE FROM asu_incidents WHERE election_id = $ELECTION" \
    -c "DELETE FROM asu_reports WHERE election_id = $ELECTION" \
    -c "SELECT results_prepare($ELECTION)" >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS
bin/shailoo-asu night --dir "$VAR/asu" --url "$BASE" --duration "$NIGHT_SECONDS" \
    --concurrency "$NIGHT_CONCURRENCY" --json >"$tmp/night.json" ||
    echo "verify: the simulator exited with $? (reports given up or refused): the log has what was accepted"
# The commissions' manual count, as the demo enters it (sql/demo/protocols_night.sql).
VAR=$VAR PORT=$PORT scripts/instance.sh demo-protocols >/dev/null
echo "verify: the night and the manual count in $((SECONDS - t0)) s"

# Until the published answers show it all: the summary names the log's head, the seats are the
# application's own (the publisher writes the areas every few seconds).
head=$(psql -X -qAt -c "SELECT seq FROM results_log_head WHERE election_id = $ELECTION")
for _ in $(seq 120); do
    seq=$(curl -fsS "$R/summary" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).election.log?.seq ?? 0))')
    if [ "$seq" = "$head" ] && [ "$(curl -fsS "$R/seats")" = "$(curl -fsS -H 'X-Shailoo-Direct: 1' "$R/seats")" ]; then
        break
    fi
    sleep 0.5
done

# name, verifier arguments...: its summary line and exit status.
run() {
    local name=$1 rc=0
    shift
    bin/shailoo-verify --election "$ELECTION" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    local line
    line=$(tail -1 "$tmp/out")
    echo "  $name: exit $rc: $line" | sed 's/shailoo-verify: election [0-9]*: //'
    node -e '
const [line, name] = [process.argv[1], process.argv[2]];
const m = line.match(/(\d+) log entries .* (\d+) stations, .* in ([\d.]+) s$/);
if (m) console.log(`  ${name}: ${m[1]} entries, ${m[2]} stations in ${m[3]} s (target 60 s: ${Number(m[3]) < 60 ? "ok" : "MISSED"})`);
' "$line" "$name"
    if [ "$rc" != 0 ] && [ -z "${shown:-}" ]; then   # what did not match, once
        { head -n -1 "$tmp/out" | head -20; head -5 "$tmp/err"; } | sed 's/^/    /'
        shown=1
    fi
    return "$rc"
}
echo "verify: election $ELECTION, log head $head, $(psql -X -qAt -c "SELECT count(*) FROM stations") stations; $(nproc) cores"
rc=0
# At once (the publishers still writing the night's files), keeping a copy; that copy
# offline (the verifier's own work); online again.
run "online, at once, keeping a copy (--save)" --url "$BASE" --save "$tmp/saved" || rc=$?
run "offline, the saved copy (--dir)" --dir "$tmp/saved" || rc=$?
run "online again" --url "$BASE" || rc=$?
exit "$rc"
