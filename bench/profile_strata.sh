#!/usr/bin/env bash
# Profiles Strata under bench/compare's loads with perf (software cpu-clock event, which works in
# VMs without hardware counters); prints the top symbols by self time.
#
#   bench/profile_strata.sh ingest [remote_write_load flags...]   default: 100k series x 40 samples
#   bench/profile_strata.sh query                                 E's data, then 20 range queries
#
# Flat profiles (no call graphs): RelWithDebInfo builds have no frame pointers, and DWARF
# unwinding on two busy cores makes more noise than signal. Where perf is not allowed
# (perf_event_paranoid, containers), run the server under `valgrind --tool=callgrind` instead.
# Env: STRATA_BIN, LOAD_BIN (default build/strata, build/remote_write_load), WORK, TOP (30).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STRATA_BIN=${STRATA_BIN:-$REPO/build/strata}
LOAD_BIN=${LOAD_BIN:-$REPO/build/remote_write_load}
WORK=${WORK:-/tmp/strata-profile}
TOP=${TOP:-30}
PORT=19119
mode=${1:-ingest}; shift || true

rm -rf "$WORK"; mkdir -p "$WORK"
"$STRATA_BIN" -server.http-listen-port=$PORT -blocks-storage.tsdb.dir="$WORK/tsdb" \
  -blocks-storage.filesystem.dir="$WORK/bucket" \
  -distributor.ingestion-rate-limit=1e12 -distributor.ingestion-burst-size=1000000000 \
  -ingester.max-series-per-metric=0 -ingester.max-series-per-user=0 > "$WORK/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$PORT/ready"; do sleep 0.2; done

rec=""
record() { perf record -e cpu-clock -F 1999 -p "$pid" -o "$WORK/perf.data" > "$WORK/perf.log" 2>&1 & rec=$!; }

case $mode in
  ingest)
    args=("$@"); ((${#args[@]})) || args=(-series=100000 -samples=40)
    # perf attaches before the driver starts: the server is idle while the driver builds its
    # requests, and cpu-clock samples only running threads, so the profile is the push's.
    record; sleep 1
    "$LOAD_BIN" -port=$PORT -start_ms=now "${args[@]}" > "$WORK/load.out" 2>&1 || true
    kill -INT "$rec"; wait "$rec" || true
    cat "$WORK/load.out"
    ;;
  query)
    "$LOAD_BIN" -port=$PORT -start_ms=now -series=10000 -samples=480 -metric_names=4 -namespaces=10 \
      > "$WORK/load.out" 2>&1
    end=$(sed -n 's/.* end_ms=\([0-9]*\).*/\1/p' "$WORK/load.out"); end=$((end / 1000))
    record; sleep 1
    for _ in $(seq 1 20); do
      curl -s -o /dev/null "http://127.0.0.1:$PORT/prometheus/api/v1/query_range" \
        --data-urlencode "query=count by (namespace) ({__name__=~\".+_cpu_seconds_total\"})" \
        --data-urlencode "start=$((end - 7200))" --data-urlencode "end=$end" --data-urlencode step=15
      curl -s -o /dev/null "http://127.0.0.1:$PORT/prometheus/api/v1/query_range" \
        --data-urlencode "query=sum by (job) (rate(node_cpu_seconds_total[5m]))" \
        --data-urlencode "start=$((end - 7200))" --data-urlencode "end=$end" --data-urlencode step=15
    done
    kill -INT "$rec"; wait "$rec" || true
    ;;
  *) echo "usage: $0 ingest|query [flags]" >&2; exit 2 ;;
esac
perf report -i "$WORK/perf.data" --stdio --no-children --sort dso,symbol --percent-limit 0.4 2>/dev/null | sed "s/  */ /g" | cut -c1-160 |
  grep -v '^#' | grep -v '^$' | head -"$TOP"
