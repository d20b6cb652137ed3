#!/usr/bin/env bash
# Runs the whole test suite through ctest and ends with one line: "N passed, N failed".
set -uo pipefail
build_dir=$1; jobs=$2; shift 2
log=$(mktemp)
ctest --test-dir "$build_dir" -j "$jobs" --output-on-failure --timeout 600 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
rm -f "$log"
if [[ $summary =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
  failed=${BASH_REMATCH[1]}; total=${BASH_REMATCH[2]}
  echo "tests: $((total - failed)) passed, $failed failed"
else
  echo "tests: 0 passed, 1 failed (ctest printed no summary)"
  rc=1
fi
exit "$rc"
