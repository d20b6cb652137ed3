#!/usr/bin/env bash
# Builds the unit tests with clang under sanitizers and runs them (docs/reliability.md).
#
#   scripts/run_sanitizers.sh [asan|tsan|tsa|all] [build_root] [jobs]
#
#   asan  ASan + UBSan (-DSTRATA_SANITIZE=address,undefined); any report fails the run
#   tsan  TSan (-DSTRATA_SANITIZE=thread); any report fails the run. Compiled with -Wthread-safety
#         too (warnings only, counted), which costs nothing extra
#   tsa   clang's thread-safety analysis as errors (-Wthread-safety -Werror=thread-safety) over
#         every translation unit (unit tests, binary, tools, e2e tests), -fsyntax-only
#   all   the three in turn (the default)
#
# Build directories: <build_root>/{asan,tsan,tsa} (default build_root /tmp/strata-sanitizers).
# Unit tests are the src/ and tools/ *_test binaries: the end-to-end tests in tests/ are left
# out (they start many server processes and take minutes even without sanitizers). Each test
# binary runs as one process, two at a time; its output is kept in <dir>/logs/<binary>.log.
# Exit status 0 only if every build and every test binary passed. Ends with one line per mode.
# TESTS=<regex> restricts the unit test binaries, e.g. TESTS='head_test|tsdb_test', SKIP_TESTS=<regex>
# leaves some out (default for tsan: prompb_test, see below); TSA_FILES=<regex>
# the files of the tsa mode, e.g. TSA_FILES=src/tsdb/head/.
set -uo pipefail

mode=${1:-all}
build_root=${2:-/tmp/strata-sanitizers}
jobs=${3:-2}
src_dir=$(cd "$(dirname "$0")/.." && pwd)

# Optimised a little (sanitized -O0 code is slow to run) with line tables for stack traces;
# no -DNDEBUG, so DCHECKs are on.
common_cmake=(-G Ninja -DCMAKE_CXX_COMPILER=clang++
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1}
# Leaks that tests make on purpose: a power-cut test abandons its DB without destroying it (the
# destructor would close and pad the files it wrote). Anything else LeakSanitizer finds fails.
mkdir -p "$build_root"
cat >"$build_root/lsan.supp" <<'EOF'
leak:DBCrashTest_PowerCutKeepsWhatWasSynced_Test
EOF
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$build_root/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1:report_signal_unsafe=0}
export STRATA_SOURCE_DIR=$src_dir

summary=()
overall=0

# Lists the unit test targets of a configured build directory.
unit_test_targets() {
  ninja -C "$1" -t targets all 2>/dev/null | sed -n 's/^\([a-z0-9_]*_test\): CXX_EXECUTABLE_LINKER.*/\1/p' |
    grep -v '^e2e_test$' | grep -E "^(${TESTS:-.*})$" | grep -vE "^(${SKIP_TESTS:-})$" | sort -u
}

# configure <dir> <cmake args...>
configure() {
  local dir=$1; shift
  cmake -S "$src_dir" -B "$dir" "${common_cmake[@]}" "$@" >"$dir.configure.log" 2>&1 || {
    cat "$dir.configure.log"; return 1; }
}

# run_tests <dir>: runs every unit test binary; prints failures; returns non-zero on any.
run_tests() {
  local dir=$1
  mkdir -p "$dir/logs"
  rm -f "$dir"/logs/*.log
  local bins=""
  for b in $(unit_test_targets "$dir"); do
    [[ -x $dir/$b ]] && bins+="$b "
  done
  # shellcheck disable=SC2016
  printf '%s\n' $bins | xargs -P "$jobs" -I{} bash -c '
    if "$0/{}" --gtest_color=no >"$0/logs/{}.log" 2>&1; then echo "PASS {}"; else echo "FAIL {} (rc $?)"; fi' \
    "$dir" | tee "$dir/logs/summary.txt"
  local failed
  failed=$(grep -c '^FAIL' "$dir/logs/summary.txt")
  local tests
  tests=$(cat "$dir"/logs/*_test.log | grep -c '^\[       OK \]')
  echo "$(basename "$dir"): $tests tests passed in $(echo "$bins" | wc -w) binaries, $failed binaries failed"
  if ((failed)); then
    for f in $(sed -n 's/^FAIL \([a-z0-9_]*\).*/\1/p' "$dir/logs/summary.txt"); do
      echo "---- $f: first report / failure"
      grep -m1 -A40 -E '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY|.*runtime error:|\[  FAILED  \])' \
        "$dir/logs/$f.log" | head -60
    done
    return 1
  fi
}

# sanitized <mode> <cmake args...>
sanitized() {
  local name=$1; shift
  local dir=$build_root/$name
  local start=$SECONDS
  mkdir -p "$dir"
  configure "$dir" "$@" || return 1
  local targets
  targets=$(unit_test_targets "$dir")
  echo "== $name: building $(echo "$targets" | wc -w) unit test binaries in $dir"
  # -k 0: one binary that does not build must not hide the results of the others.
  # shellcheck disable=SC2086
  cmake --build "$dir" -j "$jobs" --target $targets -- -k 0 >"$dir/build.log" 2>&1
  local build_rc=$?
  if ((build_rc)); then
    echo "== $name: BUILD FAILED for: $(sed -n 's/^FAILED: \([a-z0-9_]*\) .*/\1/p' "$dir/build.log" | sort -u | tr '\n' ' ')"
    grep -m10 -A6 -E ' error:|error: ' "$dir/build.log" | head -40
  fi
  local built=$SECONDS
  echo "== $name: built in $((built - start)) s; $(grep -c 'warning:.*-Wthread-safety' "$dir/build.log") thread-safety warnings; running"
  run_tests "$dir"
  local rc=$?
  ((build_rc)) && rc=1
  echo "== $name: tests ran in $((SECONDS - built)) s"
  return $rc
}

# Clang's thread-safety analysis runs in the front end, so this mode compiles every translation
# unit of compile_commands.json (src/, tools/, tests/, main.cc) with -fsyntax-only: about half
# the time of a build, and nothing to link.
thread_safety() {
  local dir=$build_root/tsa
  local start=$SECONDS
  mkdir -p "$dir"
  configure "$dir" "-DCMAKE_CXX_FLAGS=-Wthread-safety -Werror=thread-safety" || return 1
  # Generated headers (the protobuf classes prompb's test compares against) must exist.
  local generated
  generated=$(ninja -C "$dir" -t targets all | sed -n 's/^\(proto\/[^:]*\.pb\.h\): .*/\1/p')
  # shellcheck disable=SC2086
  [[ -z $generated ]] || ninja -C "$dir" $generated >/dev/null || return 1
  echo "== tsa: -fsyntax-only -Werror=thread-safety over every translation unit in $dir"
  python3 - "$dir" >"$dir/commands.txt" <<'PY'
import json, os, re, shlex, sys
seen = set()
only = re.compile(os.environ.get("TSA_FILES", ""))
for e in json.load(open(sys.argv[1] + "/compile_commands.json")):
    if e["file"] in seen or e["file"].endswith(".pb.cc") or not only.search(e["file"]):
        continue
    seen.add(e["file"])
    args, skip = [], False
    for a in shlex.split(e["command"]):
        if skip:
            skip = False
        elif a in ("-o", "-MF", "-MT"):
            skip = True
        elif a not in ("-c", "-MD"):
            args.append(a)
    print("cd %s && %s -fsyntax-only" % (shlex.quote(e["directory"]), shlex.join(args)))
PY
  tr '\n' '\0' <"$dir/commands.txt" | xargs -0 -P "$jobs" -I{} bash -c '{}' >"$dir/build.log" 2>&1
  local rc=$?
  grep -E 'warning:.*-Wthread-safety|error:' "$dir/build.log" | sort -u | head -50
  echo "== tsa: $(wc -l <"$dir/commands.txt") files, $(grep -c 'error:.*-Wthread-safety' "$dir/build.log") thread-safety errors, $(grep -c 'error:' "$dir/build.log") errors in all, $((SECONDS - start)) s"
  return $rc
}

step() {
  local name=$1; shift
  if "$@"; then summary+=("$name: ok"); else summary+=("$name: FAILED"); overall=1; fi
}

# Nothing is skipped under TSan (prompb's allocation counting switches itself off there).
tsan_skip=

case $mode in
  asan) step asan sanitized asan -DSTRATA_SANITIZE=address,undefined ;;
  tsan) SKIP_TESTS=${SKIP_TESTS-$tsan_skip} step tsan sanitized tsan -DSTRATA_SANITIZE=thread "-DCMAKE_CXX_FLAGS=-Wthread-safety" ;;
  tsa) step tsa thread_safety ;;
  all)
    step asan sanitized asan -DSTRATA_SANITIZE=address,undefined
    SKIP_TESTS=${SKIP_TESTS-$tsan_skip} step tsan sanitized tsan -DSTRATA_SANITIZE=thread "-DCMAKE_CXX_FLAGS=-Wthread-safety"
    step tsa thread_safety
    ;;
  *) echo "usage: $0 [asan|tsan|tsa|all] [build_root] [jobs]" >&2; exit 2 ;;
esac

printf 'sanitizers: %s\n' "${summary[@]}"
exit $overall
