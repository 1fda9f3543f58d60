#!/bin/bash
# Election night under load, on the running instance (make run, full demo
# country): every station's ASU device (bin/shailoo-asu, keys under
# $VAR/asu) sends its opening and turnouts as fast as NIGHT_CONCURRENCY
# requests in flight allow, then its final on the 2021 arrival curve (84% in
# the first hour) compressed into NIGHT_SECONDS.  After each accepted final
# the station's results page is polled until it lists the report.
# Targets: every final accepted and published within 10 s; visibility p99 < 1 s.
# The night's results of the demo election are deleted first (one transaction).
#   VAR=var PORT=8080 NIGHT_SECONDS=10 NIGHT_CONCURRENCY=32 tests/bench/night.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
VAR=${VAR:-var}
PORT=${PORT:-8080}
NIGHT_SECONDS=${NIGHT_SECONDS:-10}
NIGHT_CONCURRENCY=${NIGHT_CONCURRENCY:-32}
ELECTION=202701
BASE=http://127.0.0.1:$PORT
export PGHOST=$PWD/$VAR/run PGUSER=shailoo PGDATABASE=shailoo

if ! curl -fsS -o /dev/null "$BASE/api/v1/regions"; then
    echo "night: no instance at $BASE; run 'make run' first" >&2
    exit 1
fi
if [ ! -x bin/shailoo-asu ] || [ ! -s "$VAR/asu/ballots.txt" ]; then
    echo "night: no simulator or no demo devices (make build, then scripts/instance.sh start)" >&2
    exit 1
fi

# (The manual count too: a night is before any protocol; make election-night adds them after.)
reset_night() {
    psql -X -q -v ON_ERROR_STOP=1 -1 \
        -c "DELETE FROM results_log WHERE election_id = $ELECTION" \
        -c "DELETE FROM results_log_head WHERE election_id = $ELECTION" \
        -c "DELETE FROM station_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
        -c "DELETE FROM area_official WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
        -c "DELETE FROM protocol_versions WHERE election_id = $ELECTION" \
        -c "DELETE FROM station_identification WHERE election_id = $ELECTION" \
        -c "DELETE FROM station_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
        -c "DELETE FROM area_results WHERE contest_id IN (SELECT id FROM contests WHERE election_id = $ELECTION)" \
        -c "DELETE FROM station_turnout WHERE election_id = $ELECTION" \
        -c "DELETE FROM area_turnout WHERE election_id = $ELECTION" \
        -c "DELETE FROM asu_incidents WHERE election_id = $ELECTION" \
        -c "DELETE FROM asu_reports WHERE election_id = $ELECTION" \
        -c "SELECT results_prepare($ELECTION)" >/dev/null
}

# Capacity first: every station's final at once, nothing else (then the night proper).
reset_night
cap=$(mktemp)
bin/shailoo-asu night --dir "$VAR/asu" --url "$BASE" --only final --duration 0 --duplicates 0 \
    --concurrency "$NIGHT_CONCURRENCY" --json >"$cap" || true
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const f = r.finals;
console.log(`night: capacity: ${f.accepted} of ${f.reports} finals sent at once, all accepted and published in ${f.seconds.toFixed(2)} s (${(f.accepted / f.seconds).toFixed(0)} finals/s; target 10 s: ${f.accepted === f.reports && f.seconds <= 10 ? "ok" : "MISSED"}); POST p50 ${r.post_ms.p50.toFixed(1)} ms, p99 ${r.post_ms.p99.toFixed(1)} ms`);
' "$cap"
rm -f "$cap"
reset_night

out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
bin/shailoo-asu night --dir "$VAR/asu" --url "$BASE" --duration "$NIGHT_SECONDS" \
    --concurrency "$NIGHT_CONCURRENCY" --check-visibility --visibility-share 0.1 --json ${NIGHT_ARGS:-} >"$out" || rc=$?

node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const f = r.finals, d = r.day, v = r.visibility_ms, p = r.post_ms;
const ok = (c) => (c ? "ok" : "MISSED");
console.log(`night: ${r.stations} stations, ${r.reports} reports (${r.posts} POSTs with ${r.resends} resent on purpose), ${r.concurrency} in flight; answers ${JSON.stringify(r.status)}, no answer ${r.no_answer}`);
console.log(`  openings and turnouts, as fast as they go: ${d.accepted} accepted in ${d.seconds.toFixed(2)} s: ${d.accepted_per_s.toFixed(0)} reports/s`);
console.log(`  finals on the arrival curve over ${r.duration} s: ${f.accepted} of ${f.reports} accepted, the last ${f.seconds.toFixed(2)} s after the curve began (the last due at ${f.last_due_s.toFixed(2)} s), all published at ${f.published_s.toFixed(2)} s (target 10 s: ${ok(f.accepted === f.reports && f.published_s <= 10)})`);
console.log(`  finals behind the curve: p50 ${f.lag_ms.p50.toFixed(1)} ms, p99 ${f.lag_ms.p99.toFixed(1)} ms`);
console.log(`  POST /api/v1/asu/reports: p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`);
console.log(`  acceptance to visibility: p50 ${v.p50.toFixed(1)} ms, p99 ${v.p99.toFixed(1)} ms, max ${v.max.toFixed(1)} ms, ${v.never} never (target p99 < 1 s: ${ok(v.p99 < 1000 && v.never === 0)})`);
console.log(`  reports accepted: ${r.accepted} in ${r.night_s.toFixed(2)} s, ${r.accepted_per_s.toFixed(0)} reports/s over the whole night`);
' "$out"
[ "$rc" = 0 ] || echo "night: the simulator exited with $rc (5xx, unexpected answers or reports given up; see above)"
exit "$rc"
