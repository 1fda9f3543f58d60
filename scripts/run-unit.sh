#!/bin/bash
# Runs the cmocka unit tests (built with ASan/UBSan); prints "N passed, N failed".
set -u
passed=0 failed=0
for t in "$@"; do
    out=$("$t" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^\[  (PASSED|FAILED|  ERROR) |^\[  FAILED  \] .*|runtime error|AddressSanitizer' || true
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
    passed=$((passed + ${p:-0}))
    if [ "$rc" != 0 ] || printf '%s\n' "$out" | grep -qE 'runtime error|AddressSanitizer'; then
        failed=$((failed + ${f:-1}))
        printf '%s\n' "$out" | tail -30
        echo "unit: $t FAILED"
    fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" = 0 ]
