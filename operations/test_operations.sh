#!/usr/bin/env bash
# Tests of the operations kit (operations/ and docs/runbook.md), run by ctest (cmake/operations.cmake).
#
#   test_operations.sh rules               promtool check + unit tests of rules.yml and alerts.yml;
#                                          every alert has a firing and a silent test case and a
#                                          runbook section; recording rules and label values the
#                                          kit uses exist
#   test_operations.sh dashboards          every PromQL expression of the dashboards and of the
#                                          runbook parses (promtool check rules on a throwaway file)
#   test_operations.sh scrape <strata>     runs Strata, pushes samples, asserts that every metric
#                                          the kit names is exported, with the values the kit
#                                          relies on
#
# Needs bash, coreutils, sed/awk/grep, cmake (dashboards) and promtool (rules, dashboards).
# Exits 0 on success, 1 on failure (each failure printed as "FAIL: ..."), 77 when promtool is
# missing (ctest SKIP_RETURN_CODE).
set -uo pipefail

readonly kSkip=77
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
runbook="$root/docs/runbook.md"
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

finish() {
  if ((failures > 0)); then
    echo "$1: $failures failure(s)"
    exit 1
  fi
  echo "$1: ok"
  exit 0
}

need_promtool() {
  if ! command -v promtool >/dev/null 2>&1; then
    echo "SKIP: promtool not found (Debian package prometheus)"
    exit "$kSkip"
  fi
}

scratch=$(mktemp -d "${TMPDIR:-/tmp}/strata-ops-test.XXXXXX")
strata_pid=""
prometheus_pid=""
cleanup() {
  local pid
  for pid in $strata_pid $prometheus_pid; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

alert_names() { sed -n 's/^ *- alert: *\([A-Za-z0-9_]*\).*/\1/p' "$here/alerts.yml"; }

# The kit's files where PromQL appears.
kit_files() {
  echo "$here/alerts.yml" "$here/rules.yml" "$runbook"
  ls "$here"/dashboards/*.json
}

# dashboard_rules OUT LOG: the dashboards' expressions as a rule file (tests/dashboard_exprs.cmake).
dashboard_rules() {
  local list
  list=$(printf '%s;' "$here"/dashboards/*.json)
  cmake -DOUT="$1" -DDASHBOARDS="$list" -P "$here/tests/dashboard_exprs.cmake" >"$2" 2>&1
}

# runbook_rules OUT: the runbook's ```promql blocks as a rule file.
runbook_rules() {
  awk '
    BEGIN { print "groups:\n  - name: runbook\n    rules:" }
    /^## / { section = substr($0, 4) }
    /^```promql *$/ { inblock = 1; n++; printf "      # %s\n      - record: runbook:query:%d\n        expr: |\n", section, n; next }
    /^```/ && inblock { inblock = 0; next }
    inblock { print "          " $0 }
  ' "$runbook" >"$1"
}

# ------------------------------------------------------------------------------------------------
cmd_rules() {
  need_promtool
  echo "== promtool check rules"
  promtool check rules "$here/rules.yml" "$here/alerts.yml" || fail "promtool check rules"

  echo "== promtool test rules"
  promtool test rules "$here/tests/rules_test.yml" "$here/tests/alerts_test.yml" ||
    fail "promtool test rules (the case that failed is printed above)"

  echo "== every alert: a firing and a silent unit test, labels, annotations, runbook section"
  local names
  names=$(alert_names)
  [[ -n $names ]] || fail "no alert found in alerts.yml"
  # alertname -> "firing"/"silent" for each alert_rule_test case.
  local cases
  cases=$(awk '
    /^ *alertname:/ { name = $2; next }
    /^ *exp_alerts: *\[\] *$/ { if (name != "") print name, "silent"; name = ""; next }
    /^ *exp_alerts: *$/ { if (name != "") print name, "firing"; name = ""; next }
  ' "$here/tests/alerts_test.yml")
  # Per alert block of alerts.yml: the keys it has.
  local blocks
  blocks=$(awk '
    /^ *- alert:/ { if (name != "") print name, keys; name = $3; keys = ""; next }
    /^ *- name:/ { if (name != "") print name, keys; name = ""; keys = ""; next }
    name != "" && /^ *(severity|summary|description|runbook_url):/ {
      k = $1; sub(":", "", k); v = $2; keys = keys " " k "=" v
    }
    END { if (name != "") print name, keys }
  ' "$here/alerts.yml")
  local name lower
  for name in $names; do
    grep -qx "$name firing" <<<"$cases" || fail "$name: no unit test where it fires (tests/alerts_test.yml)"
    grep -qx "$name silent" <<<"$cases" || fail "$name: no unit test where it stays silent (exp_alerts: [])"
    local keys
    keys=$(grep "^$name " <<<"$blocks")
    for k in severity summary description runbook_url; do
      [[ $keys == *" $k="* ]] || fail "$name: no $k in alerts.yml"
    done
    lower=$(tr 'A-Z' 'a-z' <<<"$name")
    [[ $keys == *" runbook_url=docs/runbook.md#$lower"* ]] ||
      fail "$name: runbook_url should be docs/runbook.md#$lower"
    grep -qx "## $name" "$runbook" || fail "$name: no section '## $name' in docs/runbook.md"
  done
  # Runbook sections for alerts that do not exist any more.
  local section
  for section in $(sed -n 's/^## \(Strata[A-Za-z0-9_]*\)$/\1/p' "$runbook"); do
    grep -qx "$section" <<<"$names" || fail "docs/runbook.md: section $section names no alert of alerts.yml"
  done

  echo "== recording rules the kit reads are defined in rules.yml"
  local defined used r
  defined=$(sed -n 's/^ *- record: *\([^ ]*\).*/\1/p' "$here/rules.yml" | sort -u)
  used=$(cat $(kit_files) | grep -oE '[a-z_]+:[A-Za-z0-9_]+:[A-Za-z0-9_]+' | sort -u)
  for r in $used; do
    grep -qx "$r" <<<"$defined" || fail "recording rule $r is used but not defined in rules.yml"
  done

  echo "== label values the kit matches on are ones Strata writes"
  # reason="...", result=~"a|b", limit_name="..." in any kit file (JSON escapes \" first).
  local values v
  values=$(cat $(kit_files) | sed 's/\\"/"/g' |
    grep -oE '(reason|result|limit_name) *(=~|!~|=|!=) *"[^"]*"' |
    sed -E 's/^[a-z_]+ *(=~|!~|=|!=) *"(.*)"$/\2/' | tr '|' '\n' | sort -u)
  local checked=0
  for v in $values; do
    checked=$((checked + 1))
    [[ $v =~ [][().*+?{}^$\\] ]] && continue  # a pattern, not a value
    grep -rqF --include='*.cc' --include='*.h' --exclude='*_test.cc' "\"$v\"" "$root/src" ||
      fail "label value \"$v\" used by the kit is not a string literal in src/"
  done
  echo "   $checked values: $(echo $values)"

  finish "operations rules"
}

# ------------------------------------------------------------------------------------------------
cmd_dashboards() {
  need_promtool
  if ! command -v cmake >/dev/null 2>&1; then
    fail "cmake not found (it parses the dashboards' JSON)"
    finish "operations dashboards"
  fi
  local dashboards=("$here"/dashboards/*.json)
  local want
  for want in strata-writes strata-reads strata-tenants strata-lifecycle; do
    [[ -f $here/dashboards/$want.json ]] || fail "missing dashboard dashboards/$want.json"
  done

  echo "== dashboards: JSON structure, expressions"
  local out="$scratch/dashboards_rules.yml" log="$scratch/dashboards.log"
  if ! dashboard_rules "$out" "$log"; then
    cat "$log" >&2
    fail "dashboard structure (see above)"
  else
    cat "$log"
  fi
  # The walker must have seen every "expr" of every file: a panel nested where it does not look
  # would otherwise go unchecked.
  local f base n_grep n_seen
  for f in "${dashboards[@]}"; do
    base=$(basename "$f")
    n_grep=$(grep -o '"expr" *:' "$f" | wc -l)
    n_seen=$(sed -n "s/^-- $base: .*, \([0-9]*\) panel expressions$/\1/p" "$log")
    [[ $n_grep == "${n_seen:-none}" ]] ||
      fail "$base: $n_grep \"expr\" keys in the file, the walker checked ${n_seen:-none}"
  done
  echo "== promtool check rules (dashboard expressions)"
  promtool check rules "$out" || fail "a dashboard expression does not parse (rule names: dashboard:<uid>:<n>, the comment above each names the panel; file kept below)"
  if ((failures > 0)); then sed 's/^/  /' "$out" >&2; fi

  echo "== runbook: every alert section has a query; every query parses"
  local rb="$scratch/runbook_rules.yml"
  runbook_rules "$rb"
  promtool check rules "$rb" || { fail "a query in docs/runbook.md does not parse"; sed 's/^/  /' "$rb" >&2; }
  local name
  for name in $(alert_names); do
    awk -v want="## $name" '
      $0 == want { on = 1; next }
      /^## / { on = 0 }
      on && /^```promql *$/ { found = 1 }
      END { exit found ? 0 : 1 }
    ' "$runbook" || fail "docs/runbook.md: section $name has no \`\`\`promql query to confirm it"
  done

  finish "operations dashboards"
}

# ------------------------------------------------------------------------------------------------
# Remote write by hand: protobuf (prompb.WriteRequest) and snappy's block format, literals only.
hex_of_str() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
varint_hex() {
  local n=$1 out=""
  while ((n >= 128)); do
    out+=$(printf '%02x' $(((n & 127) | 128)))
    n=$((n >> 7))
  done
  printf '%s%02x' "$out" "$n"
}
field_hex() { printf '%s%s%s' "$1" "$(varint_hex $((${#2} / 2)))" "$2"; }  # tag, bytes
label_hex() { field_hex 0a "$(field_hex 0a "$(hex_of_str "$1")")$(field_hex 12 "$(hex_of_str "$2")")"; }
# One TimeSeries {__name__=$2, series=$3} with one sample (value 1.0) at $1 ms.
series_hex() {
  field_hex 0a "$(label_hex __name__ "$2")$(label_hex series "$3")$(field_hex 12 "09000000000000f03f10$(varint_hex "$1")")"
}
snappy_hex() {
  local hex=$1 out chunk len
  out=$(varint_hex $((${#hex} / 2)))
  while [[ -n $hex ]]; do
    chunk=${hex:0:120}
    hex=${hex:120}
    len=$((${#chunk} / 2))
    out+=$(printf '%02x' $(((len - 1) << 2)))$chunk
  done
  printf '%s' "$out"
}
hex_to_file() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')" >"$2"; }

# http METHOD PATH [BODY_FILE]: the response in $scratch/response, its status code in $http_status.
port=""
http_status=""
http() { http_to "$port" "$@"; }
http_to() {
  local to=$1 method=$2 path=$3 body=${4:-}
  http_status=""
  : >"$scratch/response"
  exec 3<>"/dev/tcp/127.0.0.1/$to" || return 1
  {
    # HTTP/1.0: the answer comes whole (no chunked encoding) and the connection closes after it.
    printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n' "$method" "$path"
    if [[ -n $body ]]; then
      printf 'Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n'
      printf 'X-Prometheus-Remote-Write-Version: 0.1.0\r\nContent-Length: %d\r\n' "$(wc -c <"$body")"
    else
      printf 'Content-Length: 0\r\n'
    fi
    printf '\r\n'
    if [[ -n $body ]]; then cat "$body"; fi
  } >&3
  timeout 60 cat <&3 >"$scratch/response"
  exec 3>&-
  http_status=$(head -1 "$scratch/response" | awk '{print $2}')
}

scrape() {
  http GET /metrics
  [[ $http_status == 200 ]] || { echo "GET /metrics: status ${http_status:-none}" >&2; return 1; }
  sed '1,/^\r$/d' "$scratch/response" | tr -d '\r' >"$scratch/metrics"
}

# value NAME [LABEL="V"...]: sum of the samples of NAME having all the given label pairs
# (empty when there is none).
value() {
  local name=$1
  shift
  awk -v name="$name" -v want="$*" '
    /^#/ { next }
    {
      series = $1
      n = index(series, "{"); metric = n ? substr(series, 1, n - 1) : series
      if (metric != name) next
      k = split(want, pairs, " ")
      for (i = 1; i <= k; i++) if (index(series, pairs[i]) == 0) next
      sum += $2; found = 1
    }
    END { if (found) printf "%.15g\n", sum }
  ' "$scratch/metrics"
}

expect_value() {  # what, want, NAME [LABEL="V"...]
  local what=$1 want=$2
  shift 2
  local got
  got=$(value "$@")
  [[ $got == "$want" ]] || fail "$what: $* = ${got:-<absent>}, want $want"
}

# The real Prometheus scrapes the running Strata and evaluates alerts.yml, rules.yml and every
# dashboard and runbook query (as recording rules): no evaluation may fail (e.g. a vector
# matching error that only shows on real label sets), and the per-tenant series rule must
# compute the head's series.
evaluate_with_prometheus() {
  if ! command -v prometheus >/dev/null 2>&1; then
    echo "NOTE: prometheus not installed: the kit's rules are not evaluated on real metrics"
    return
  fi
  echo "== the real Prometheus evaluates the kit's rules and queries on Strata's metrics"
  local dir="$scratch/prometheus"
  mkdir -p "$dir"
  dashboard_rules "$dir/dashboards_rules.yml" "$dir/dashboards.log" ||
    { cat "$dir/dashboards.log"; fail "dashboards: see above"; return; }
  runbook_rules "$dir/runbook_rules.yml"
  printf '%s\n' \
    "global: {scrape_interval: 1s, evaluation_interval: 1s}" \
    "rule_files:" \
    "  - $here/rules.yml" \
    "  - $here/alerts.yml" \
    "  - $dir/dashboards_rules.yml" \
    "  - $dir/runbook_rules.yml" \
    "scrape_configs:" \
    "  - job_name: strata" \
    "    static_configs: [{targets: ['127.0.0.1:$port']}]" >"$dir/prometheus.yml"
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address=127.0.0.1:0 >"$dir/log" 2>&1 &
  prometheus_pid=$!
  local prom_port="" deadline=$((SECONDS + 30))
  until prom_port=$(sed -n 's/.*msg="Listening on" address=127.0.0.1:\([0-9]*\).*/\1/p' "$dir/log") && [[ -n $prom_port ]]; do
    if ! kill -0 "$prometheus_pid" 2>/dev/null || ((SECONDS > deadline)); then
      cat "$dir/log"
      fail "Prometheus did not start"
      return
    fi
    sleep 0.1
  done
  # Prometheus discovers its targets a few seconds after start: first wait for 3 scrapes of Strata,
  # then for every rule group to run twice more on that data.
  deadline=$((SECONDS + 60))
  until http_to "$prom_port" GET '/api/v1/query?query=count_over_time(up%7Bjob%3D%22strata%22%7D%5B1m%5D)%3E%3D3' &&
    grep -q '"result":\[{' "$scratch/response"; do
    if ((SECONDS > deadline)); then
      fail "Prometheus did not scrape Strata 3 times in 60s"
      return
    fi
    sleep 0.2
  done
  prom_metrics() {
    http_to "$prom_port" GET /metrics
    sed '1,/^\r$/d' "$scratch/response" | tr -d '\r' >"$dir/metrics"
  }
  local groups ready
  groups=$(cat "$here/rules.yml" "$here/alerts.yml" "$dir/dashboards_rules.yml" "$dir/runbook_rules.yml" | grep -c '^  - name:')
  prom_metrics
  grep '^prometheus_rule_group_iterations_total{' "$dir/metrics" >"$dir/iterations_before"
  deadline=$((SECONDS + 60))
  while :; do
    prom_metrics
    ready=$(awk '
      NR == FNR { before[$1] = $2; next }
      /^prometheus_rule_group_iterations_total\{/ && $2 >= before[$1] + 2 { n++ }
      END { print n + 0 }
    ' "$dir/iterations_before" "$dir/metrics")
    ((ready >= groups)) && break
    if ((SECONDS > deadline)); then
      fail "Prometheus evaluated only $ready of $groups rule groups twice on Strata's data in 60s"
      return
    fi
    sleep 0.2
  done
  local failed
  failed=$(awk '/^prometheus_rule_evaluation_failures_total\{/ && $2 > 0' "$dir/metrics")
  if [[ -n $failed ]]; then
    fail "rule evaluations failed in Prometheus: $failed"
    http_to "$prom_port" GET /api/v1/rules
    # Each failing rule with its error and, for a dashboard or runbook query, where it comes from.
    local rule error
    while IFS=$'\t' read -r rule error; do
      echo "  $rule: $error"
      grep -h -B1 -- "- record: $rule\$" "$dir/dashboards_rules.yml" "$dir/runbook_rules.yml" | grep '#' | sed 's/^ */    from /'
    done < <(grep -oE '"name":"[^"]*"|"lastError":"[^"]*"' "$scratch/response" |
      awk '/^"name"/ { name = substr($0, 9, length($0) - 9); next } { print name "\t" substr($0, 14, length($0) - 14) }')
  else
    echo "   $groups rule groups evaluated on Strata's data, no evaluation failed"
  fi
  # rules.yml's per-tenant series, computed by Prometheus from Strata's counters.
  http_to "$prom_port" GET '/api/v1/query?query=user:strata_ingester_memory_series:sum'
  grep -q '"metric":{"__name__":"user:strata_ingester_memory_series:sum","user":"fake"},"value":\[[0-9.]*,"20"\]' "$scratch/response" ||
    fail "Prometheus: user:strata_ingester_memory_series:sum{user=\"fake\"} is not 20: $(sed '1,/^\r$/d' "$scratch/response")"
  kill "$prometheus_pid" 2>/dev/null
  wait "$prometheus_pid" 2>/dev/null
  prometheus_pid=""
}

cmd_scrape() {
  local binary=${1:-}
  [[ -x $binary ]] || { fail "usage: test_operations.sh scrape <strata binary> (got '${binary}')"; finish "operations scrape"; }
  local log="$scratch/strata.log"
  # close-idle 2s: the idle check runs every second. OOO window 10m, 20 series per metric: the
  # pushes below produce out-of-order data and two discard reasons.
  "$binary" -server.http-listen-address=127.0.0.1 -server.http-listen-port=0 \
    -blocks-storage.tsdb.dir="$scratch/tsdb" -blocks-storage.filesystem.dir="$scratch/bucket" \
    -blocks-storage.tsdb.close-idle-tsdb-timeout=2s -ingester.out-of-order-time-window=10m \
    -ingester.max-series-per-metric=20 -ingester.active-series-metrics-update-period=1s \
    >"$log" 2>&1 &
  strata_pid=$!
  local deadline=$((SECONDS + 30))
  until port=$(sed -n 's/.*msg="Strata started".*http_listen_port=\([0-9]*\).*/\1/p' "$log") && [[ -n $port ]]; do
    if ! kill -0 "$strata_pid" 2>/dev/null || ((SECONDS > deadline)); then
      cat "$log" >&2
      fail "Strata did not start"
      finish "operations scrape"
    fi
    sleep 0.1
  done
  echo "== Strata on port $port"

  # 20 series at now; then series 0 five minutes back (out-of-order, inside the window), series 1
  # an hour back (too old), and a 21st series of the metric (over the per-metric limit).
  local now=$(($(date +%s) * 1000)) body="" i
  for i in $(seq 0 19); do body+=$(series_hex "$now" strata_ops_kit_test "$i"); done
  hex_to_file "$(snappy_hex "$body")" "$scratch/push1"
  http POST /api/v1/push "$scratch/push1"
  [[ $http_status == 200 ]] || fail "push of 20 series: HTTP ${http_status:-none} $(tail -1 "$scratch/response")"
  body=$(series_hex $((now - 300000)) strata_ops_kit_test 0)$(series_hex $((now - 3600000)) strata_ops_kit_test 1)$(series_hex "$now" strata_ops_kit_test 20)
  hex_to_file "$(snappy_hex "$body")" "$scratch/push2"
  http POST /api/v1/push "$scratch/push2"
  [[ $http_status == 400 ]] || fail "push with a too-old sample and a 21st series: HTTP ${http_status:-none}, want 400"

  # Every metric the kit names, from its files.
  local used pending missing m
  used=$(cat $(kit_files) | grep -oE '(^|[^:A-Za-z0-9_])(cortex|strata|process)_[A-Za-z0-9_]+' |
    sed -E 's/^[^a-z]//' | sort -u)
  pending=$(sed -e 's/#.*//' -e '/^ *$/d' "$here/tests/pending_metrics.txt" | tr -d ' ')
  echo "== the kit names $(wc -w <<<"$used") metrics; waiting until Strata exports each"
  deadline=$((SECONDS + 30))
  while :; do
    missing=""
    if scrape; then
      for m in $used; do
        grep -qE "^$m(\{| )" "$scratch/metrics" || missing+=" $m"
      done
    else
      missing="(no scrape)"
    fi
    local required=""
    for m in $missing; do grep -qx "$m" <<<"$pending" || required+=" $m"; done
    [[ -z $required ]] && break
    if ((SECONDS > deadline)); then
      for m in $required; do fail "metric $m is used by the kit but not exported by Strata"; done
      break
    fi
    sleep 0.2
  done
  for m in $missing; do
    grep -qx "$m" <<<"$pending" && echo "PENDING: $m (used by the kit, not exported yet; see tests/pending_metrics.txt)"
  done
  for m in $pending; do
    grep -qx "$m" <<<"$used" || fail "tests/pending_metrics.txt lists $m, which the kit does not use"
    grep -qE "^$m(\{| )" "$scratch/metrics" &&
      echo "NOTE: $m is exported now: delete it from tests/pending_metrics.txt"
  done

  echo "== the values the kit relies on"
  scrape || fail "scrape"
  # In-memory series per tenant = created - removed (rules.yml), = the head's series.
  local created removed
  created=$(value cortex_ingester_memory_series_created_total 'user="fake"')
  removed=$(value cortex_ingester_memory_series_removed_total 'user="fake"')
  [[ -n $created && -n $removed && $((created - removed)) == 20 ]] ||
    fail "created - removed for tenant fake = ${created:-?} - ${removed:-?}, want 20"
  expect_value "series in memory" 20 cortex_ingester_memory_series
  expect_value "tenants in memory" 1 cortex_ingester_memory_users
  expect_value "samples in requests" 23 cortex_distributor_samples_in_total 'user="fake"'
  expect_value "accepted samples" 21 cortex_distributor_received_samples_total 'user="fake"'
  expect_value "discards over the per-metric limit" 1 cortex_discarded_samples_total 'reason="per_metric_series_limit"' 'user="fake"'
  expect_value "too-old discards" 1 cortex_discarded_samples_total 'reason="sample-too-old"' 'user="fake"'
  expect_value "out-of-order series" 1 strata_ingester_ooo_head_series 'user="fake"'
  expect_value "per-metric limit" 20 cortex_overrides 'limit_name="max_series_per_metric"' 'user="fake"'
  expect_value "per-user limit" 5000000 cortex_overrides 'limit_name="max_series_per_user"' 'user="fake"'
  expect_value "nothing unshipped yet" 0 cortex_ingester_oldest_unshipped_block_timestamp_seconds 'user="fake"'
  local mem
  mem=$(value strata_ingester_tenant_memory_bytes 'user="fake"')
  [[ -n $mem ]] && awk -v m="$mem" 'BEGIN { exit !(m > 0) }' || fail "tenant memory bytes = ${mem:-<absent>}, want > 0"

  evaluate_with_prometheus

  # The idle-tenant alerts assume that compaction takes the tenant's series to zero and that a
  # closed tenant leaves no series behind: flush, then wait for the idle close (2s).
  echo "== flush, then idle close"
  http POST '/ingester/flush?wait=true'
  [[ $http_status == 20[04] ]] || fail "POST /ingester/flush?wait=true: HTTP ${http_status:-none}"
  scrape || fail "scrape"
  expect_value "series in memory after flush" 0 cortex_ingester_memory_series
  created=$(value cortex_ingester_memory_series_created_total 'user="fake"')
  removed=$(value cortex_ingester_memory_series_removed_total 'user="fake"')
  [[ $((${created:-0} - ${removed:-0})) == 0 ]] ||
    fail "after flush, created - removed for tenant fake = $created - $removed, want 0"
  expect_value "compactions failed" 0 cortex_ingester_tsdb_compactions_failed_total
  deadline=$((SECONDS + 30))
  while :; do
    scrape || true
    [[ $(value cortex_ingester_memory_users) == 0 && -n $(value cortex_ingester_idle_tsdb_checks_total 'result="idle_closed"') ]] && break
    if ((SECONDS > deadline)); then
      fail "idle tenant not closed in 30s: memory_users=$(value cortex_ingester_memory_users), idle_closed checks=$(value cortex_ingester_idle_tsdb_checks_total 'result="idle_closed"')"
      break
    fi
    sleep 0.2
  done
  local uploads
  uploads=$(value cortex_ingester_shipper_uploads_total)
  [[ -n $uploads ]] && ((uploads >= 1)) || fail "shipped blocks: ${uploads:-<absent>}, want >= 1"
  expect_value "upload failures" 0 cortex_ingester_shipper_upload_failures_total
  [[ -z $(value strata_ingester_tenant_memory_bytes 'user="fake"') ]] ||
    fail "a closed tenant still has strata_ingester_tenant_memory_bytes"

  finish "operations scrape"
}

case "${1:-}" in
  rules) cmd_rules ;;
  dashboards) cmd_dashboards ;;
  scrape) shift; cmd_scrape "$@" ;;
  *)
    echo "usage: $0 rules | dashboards | scrape <strata binary>" >&2
    exit 2
    ;;
esac
