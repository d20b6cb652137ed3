#!/usr/bin/env bash
# Runs every Google Benchmark binary the build produced, one after another (never in parallel:
# the machine has two cores and the figures would disturb each other).
set -euo pipefail
build_dir=$1
for b in "$build_dir"/*_bench; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b" --benchmark_min_time=0.2
done
