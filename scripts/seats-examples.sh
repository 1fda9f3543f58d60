#!/bin/bash
# The seat-allocation tool on the worked examples of tests/seats/: each
# input's output must equal its .expected; each bad input exits 2 with its error.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
for f in tests/seats/*.json; do
    if bin/shailoo-seats <"$f" | cmp -s - "${f%.json}.expected"; then
        passed=$((passed + 1))
    else
        echo "seats: $f differs from ${f%.json}.expected"
        failed=$((failed + 1))
    fi
done
err=$(mktemp)
for f in tests/seats/bad_*.in; do
    bin/shailoo-seats <"$f" 2>"$err" >/dev/null
    rc=$?
    if [ "$rc" = 2 ] && cmp -s "$err" "${f%.in}.expected"; then
        passed=$((passed + 1))
    else
        echo "seats: $f (exit $rc)"
        failed=$((failed + 1))
    fi
done
rm -f "$err"
echo "seats: $passed passed, $failed failed"
[ "$failed" = 0 ]
