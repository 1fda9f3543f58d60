#!/usr/bin/env bash
# SQL regression tests, the PostgreSQL way: tests/sql/NAME.sql runs in psql
# (statements echoed) against the running instance's database and its output
# must equal tests/sql/NAME.expected.  Each test rolls itself back.
#   scripts/sql-tests.sh            run them (the environment of instance.sh: PGHOST...)
#   BLESS=1 scripts/sql-tests.sh    write the .expected files from this run (review the diff!)
set -uo pipefail
pass=0 fail=0
for f in tests/sql/*.sql; do
    exp=${f%.sql}.expected
    out=$(mktemp)
    # psql's "file:line:" prefix goes: editing a test above an error must not change the error.
    psql -X -a -q -d "${PGDATABASE:-shailoo}" -f "$f" 2>&1 | sed -E 's/^psql:[^:]+:[0-9]+: //' >"$out"
    rc=${PIPESTATUS[0]}
    if [ "$rc" != 0 ]; then
        # Not the test's SQL failing (that is output): psql itself (no database?).
        echo "sql: $f: psql failed ($rc):"
        head -5 "$out"
        fail=$((fail + 1))
    elif [ "${BLESS:-0}" = 1 ]; then
        cp "$out" "$exp"
        echo "sql: $f -> $exp"
    elif diff -u "$exp" "$out" >/dev/null 2>&1; then
        pass=$((pass + 1))
    else
        echo "sql: $f differs from $exp:"
        diff -u "$exp" "$out" | head -40
        fail=$((fail + 1))
    fi
    rm -f "$out"
done
echo "sql: $pass passed, $fail failed"
[ "$fail" = 0 ]
