#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*_fuzz.cc) with clang and runs each on its seed corpus
# (docs/reliability.md).
#
#   scripts/run_fuzzers.sh [build_dir] [seconds_per_target] [target...]
#
#   build_dir           configured with -DSTRATA_FUZZ=ON if it is not yet (default /tmp/strata-fuzz)
#   seconds_per_target  libFuzzer's -max_total_time for each target (default 60); 0 only replays
#                       the seed corpus once (a regression check that takes seconds)
#   target...           names without _fuzz (default: every fuzz/*_fuzz.cc)
#
# Environment: JOBS (build parallelism, default 2), PARALLEL (targets fuzzed at once, default 1),
# FUZZ_ARGS (extra libFuzzer flags), FUZZ_RUNS (instead of a time: this many inputs per target
# with a fixed random seed, so that a run is the same on every machine: what CI uses).
#
# New inputs go to <build_dir>/corpus/<target>/ (the seeds in fuzz/corpus/ are only read), so
# repeated runs keep what earlier runs found. A crash, leak, timeout or out-of-memory fails the
# target: the input is saved as <build_dir>/artifacts/<target>/crash-* (etc.) and the script
# exits 1 after all targets ran. Ends with one line per target: execs, execs/s, corpus size.
set -uo pipefail

src_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-/tmp/strata-fuzz}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
jobs=${JOBS:-2}
parallel=${PARALLEL:-1}

if (($#)); then
  targets=("$@")
else
  targets=()
  for f in "$src_dir"/fuzz/*_fuzz.cc; do
    name=$(basename "$f" .cc)
    targets+=("${name%_fuzz}")
  done
fi

if [[ ! -f $build_dir/build.ninja ]] || ! grep -q '^STRATA_FUZZ:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  mkdir -p "$build_dir"
  cmake -S "$src_dir" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DSTRATA_FUZZ=ON >"$build_dir.configure.log" 2>&1 || { cat "$build_dir.configure.log"; exit 1; }
fi
start=$SECONDS
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/%/_fuzz}" >"$build_dir/fuzz-build.log" 2>&1 || {
  grep -m20 -A10 -E 'error:|FAILED' "$build_dir/fuzz-build.log"; exit 1; }
echo "fuzz: built ${#targets[@]} targets in $((SECONDS - start)) s"

# Runs one target; prints its summary line; returns libFuzzer's exit status.
run_one() {
  local t=$1
  local corpus=$build_dir/corpus/$t artifacts=$build_dir/artifacts/$t log=$build_dir/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  local limit=(-max_total_time="$seconds")
  ((seconds == 0)) && limit=(-runs=0)
  ((${FUZZ_RUNS:-0} > 0)) && limit=(-runs="$FUZZ_RUNS" -seed=1)
  # -timeout: a single input taking 10 s is a hang. -rss_limit_mb: a decoder must not allocate
  # gigabytes for a small input. Inputs found so far go first, the seeds second (read only).
  # shellcheck disable=SC2086
  "$build_dir/${t}_fuzz" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} "$corpus" "$src_dir/fuzz/corpus/$t" >"$log" 2>&1
  local rc=$?
  local execs rate units
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  units=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1)
  if ((rc == 0)); then
    echo "fuzz: $t ok: ${execs:-?} execs, ${rate:-?} exec/s, ${units:-corp: ?}"
  else
    echo "fuzz: $t FAILED (rc $rc) after ${execs:-?} execs; artifacts in $artifacts; log $log"
    grep -m1 -A30 -E '^==[0-9]+==ERROR|runtime error:|invariant violated|_fuzz: |deadly signal' "$log" | head -40
  fi
  return $rc
}
export -f run_one
export build_dir seconds src_dir FUZZ_RUNS

start=$SECONDS
printf '%s\n' "${targets[@]}" | xargs -P "$parallel" -I{} bash -c 'run_one {}' | tee "$build_dir/fuzz-summary.txt"
echo "fuzz: ran in $((SECONDS - start)) s"
if grep -q FAILED "$build_dir/fuzz-summary.txt"; then exit 1; fi
exit 0
