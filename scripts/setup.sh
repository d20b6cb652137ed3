#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of Strata from Debian's packages.
# Idempotent: installs only what is missing, so `make` can call it on every run.
#   scripts/setup.sh           what make build/test/run need
#   scripts/setup.sh --bench   also what bench/compare needs (make bench, make compare)
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config make git
  # libraries (reasons in docs/dependencies.md)
  libabsl-dev libre2-dev libsnappy-dev libxxhash-dev nlohmann-json3-dev libyaml-cpp-dev
  libprotobuf-dev protobuf-compiler libboost1.81-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # the real Prometheus: promtool reads our blocks in the test suite
  prometheus
  # interop tests read Prometheus's reference data (tar.gz) and run its python aids
  tar gzip python3
  # sanitizer builds and fuzzers (make test-sanitizers, make fuzz-smoke)
  clang libclang-rt-14-dev libfuzzer-14-dev
)
if [[ ${1:-} == --bench ]]; then
  PACKAGES+=(
    victoria-metrics  # 1.79: compared against (prometheus is above)
    gnuplot-nox       # PNG charts (pngcairo terminal)
    curl jq bc        # HTTP calls, query answers, arithmetic in bench/compare
  )
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
