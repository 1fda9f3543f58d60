#!/usr/bin/env bash
# The C code's one style (.clang-format at the root; Debian 12's clang-format 14):
#   scripts/format-check.sh         prints the files that differ from it, fails if any
#   scripts/format-check.sh --fix   rewrites them (a commit of its own)
set -uo pipefail
files=$(git ls-files 'cgi/*.c' 'cgi/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 'tests/fuzz/*.c' \
        'tests/bench/*.c' 'sql/demo/*.c' 'sql/demo/*.h' 2>/dev/null)
if [ "${1:-}" = --fix ]; then
    # shellcheck disable=SC2086
    clang-format -i $files
    exit 0
fi
bad=0
for f in $files; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "format: $f differs from .clang-format (scripts/format-check.sh --fix)"
        bad=$((bad + 1))
    fi
done
echo "format: $(echo "$files" | wc -w) files, $bad differ"
[ "$bad" = 0 ]
