#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of Strata from Debian's packages.
# Idempotent: installs only what is missing, so `make` can call it on every run.
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
)

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
