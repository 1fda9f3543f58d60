#!/bin/bash
# make test: unit tests, then API and browser tests against an instance of
# their own (var/test, its own port, a small demo country, the server built
# with AddressSanitizer and UndefinedBehaviorSanitizer).
#   scripts/test.sh PORT SCALE
set -uo pipefail
cd "$(dirname "$0")/.."
PORT=${1:-18080}
SCALE=${2:-0.01}
export VAR=var/test PORT DEMO_SCALE=$SCALE SANITIZE=1 RESET_DB=1 WORKERS=2 TEST_HOOKS=1
# The per-person lookup limit is kept, higher than in production, so the
# tests can reach it on purpose without tripping over it otherwise.
export LOOKUP_RATE=${LOOKUP_RATE:-200r/s} LOOKUP_BURST=${LOOKUP_BURST:-100}
# The other per-address limits likewise: every test signs in from 127.0.0.1;
# tests/api/zz_address_limits.test.mjs reaches them from an address of its own.
export AUTH_RATE=${AUTH_RATE:-200r/s} AUTH_BURST=${AUTH_BURST:-100}
export APPLY_RATE=${APPLY_RATE:-200r/s} APPLY_BURST=${APPLY_BURST:-100}
export DIRECT_RATE=${DIRECT_RATE:-200r/s} DIRECT_BURST=${DIRECT_BURST:-100}
export DIRECT_EXPORT_RATE=${DIRECT_EXPORT_RATE:-200r/s} DIRECT_EXPORT_BURST=${DIRECT_EXPORT_BURST:-100}
export EXPORT_CONNS=${EXPORT_CONNS:-100}
# The X-Road provider's rate per client subsystem: low, so that its test reaches it quickly.
export XROAD_RATE=${XROAD_RATE:-20r/s} XROAD_BURST=${XROAD_BURST:-20}
# The exports of a small country are quick to write: the tests need not wait 10 s for one.
export PUBLISH_EXPORT_MS=${PUBLISH_EXPORT_MS:-1000}
export PUBLISH_OPEN_DATA_MS=${PUBLISH_OPEN_DATA_MS:-1000}
# Likewise a station's turnouts (30 s on election night, to spare the CPU for the reports).
export PUBLISH_TURNOUT_MS=${PUBLISH_TURNOUT_MS:-1000}
# The registries read on a schedule (the civil registry's feed, the disability
# registry): every few seconds, so tests see a read they did not ask for.
export REGISTRIES_INTERVAL_MS=${REGISTRIES_INTERVAL_MS:-2000} REGISTRIES_DISABILITY_MS=${REGISTRIES_DISABILITY_MS:-5000}

status=0
# A check's output on stderr, its last line (the count) on stdout; never `tee /dev/stderr`,
# which truncates a log file that stderr is redirected to.
last_line() { local out; out=$("$@"); local rc=$?; printf '%s\n' "$out" >&2; printf '%s\n' "$out" | tail -1; return $rc; }
unit_out=$(make --no-print-directory unit 2>&1)
unit_rc=$?
printf '%s\n' "$unit_out" | grep -vE '^(cc|gcc) '
[ "$unit_rc" = 0 ] || status=1
unit_line=$(printf '%s\n' "$unit_out" | grep -E '^unit: [0-9]+ passed' | tail -1)
# The C code's one style (.clang-format): a file out of it fails the run.
format_line=$(last_line scripts/format-check.sh) || status=1
ff=$(printf '%s' "$format_line" | sed -n 's/^format: [0-9]* files, \([0-9]*\) differ/\1/p')
# Every libFuzzer harness builds and runs a moment (FUZZ_SECONDS; make fuzz runs them longer).
fuzz_fail=0
mkdir -p build
if ! make --no-print-directory fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-3}" >build/fuzz.log 2>&1; then
    echo "fuzz: a harness failed to build or found a crash (build/fuzz.log):"
    tail -20 build/fuzz.log
    fuzz_fail=1
    status=1
fi
seats_line=$(last_line scripts/seats-examples.sh) || status=1
sp0=$(printf '%s' "$seats_line" | sed -n 's/^seats: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
sf0=$(printf '%s' "$seats_line" | sed -n 's/^seats: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')

cleanup() { scripts/instance.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

mkdir -p var/test/log
: >var/test/log/shailoo.log 2>/dev/null || true
: >var/test/log/nginx-access.log 2>/dev/null || true
if ! scripts/instance.sh start; then
    echo "test: the test instance did not start"
    tail -30 var/test/log/*.log 2>/dev/null
    echo "0 passed, 1 failed"
    exit 1
fi

export SHAILOO_URL=http://127.0.0.1:$PORT SHAILOO_VAR=$PWD/var/test
# SQL regression tests first, on the freshly loaded demo (each rolls itself back).
sql_line=$(PGHOST=$PWD/var/test/run PGUSER=${SHAILOO_USER:-shailoo} PGDATABASE=shailoo last_line scripts/sql-tests.sh) ||
    status=1
qp=$(printf '%s' "$sql_line" | sed -n 's/^sql: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
qf=$(printf '%s' "$sql_line" | sed -n 's/^sql: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')
node_out=$(mktemp)
np=0 nf=0
# API tests (in parallel), then the browser tests (they move demo voters the
# API tests read), then the system tests (they disturb the instance): in turn.
for group in "tests/api/*.test.mjs tests/fakes/*.test.mjs" "tests/browser/*.test.mjs"; do
    # shellcheck disable=SC2086
    node --test --test-reporter=spec --test-reporter-destination=stdout \
         --test-reporter=tap --test-reporter-destination="$node_out" $group
    [ $? = 0 ] || status=1
    gp=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$node_out" | tail -1)
    gf=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$node_out" | tail -1)
    np=$((np + ${gp:-0}))
    nf=$((nf + ${gf:-1}))
done

# System tests disturb the instance (database restart, killed workers): alone, last.
node --test --test-reporter=spec --test-reporter-destination=stdout \
     --test-reporter=tap --test-reporter-destination="$node_out" tests/system/*.test.mjs
[ $? = 0 ] || status=1
sp=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$node_out" | tail -1)
sf=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$node_out" | tail -1)
np=$(( ${np:-0} + ${sp:-0} ))
nf=$(( ${nf:-1} + ${sf:-1} ))
rm -f "$node_out"

# Anything the sanitizers said while the server ran is a failure.
san=0
if grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' var/test/log/shailoo.log; then
    echo "test: the sanitizers reported errors in the server:"
    grep -E -A20 'runtime error|AddressSanitizer' var/test/log/shailoo.log | head -60
    san=1
    status=1
fi
# Workers the system tests kill end by SIGKILL (9); any other end is a crash.
if grep -E '(worker|publisher) [0-9]+ ended \((signal [^9]|exit [1-9])' var/test/log/shailoo.log; then
    echo "test: a server worker crashed during the tests (above)"
    san=1
    status=1
fi

up=$(printf '%s' "$unit_line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed/\1/p')
uf=$(printf '%s' "$unit_line" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed/\2/p')
echo
echo "unit: ${up:-0} passed, ${uf:-1} failed; seat examples: ${sp0:-0} passed, ${sf0:-1} failed; sql: ${qp:-0} passed, ${qf:-1} failed; format: ${ff:-1} files differ; fuzz: $([ $fuzz_fail = 0 ] && echo ok || echo FAILED); api+browser+system: ${np:-0} passed, ${nf:-1} failed; sanitizers: $([ $san = 0 ] && echo clean || echo FAILED)"
echo "$(( ${up:-0} + ${sp0:-0} + ${qp:-0} + ${np:-0} )) passed, $(( ${uf:-1} + ${sf0:-1} + ${qf:-1} + ${ff:-1} + fuzz_fail + ${nf:-1} + san )) failed"
exit $status
