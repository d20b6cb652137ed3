// The table of configuration fields: for each one its YAML section and key, its flag, its kind and
// its help text, and where it lives in Config. Loading YAML, applying flags, printing YAML,
// printing -help, comparing and validating all walk this one table, so a field added here is
// supported everywhere at once.
//
// A visitor is called as `v(const FieldInfo&, T& value)` with T one of std::string, int64_t,
// double, bool, std::vector<int64_t> (const-qualified when visiting a const Config). Durations are
// int64_t milliseconds; `info.kind` tells them from plain integers.
#ifndef STRATA_SERVER_CONFIG_FIELDS_H_
#define STRATA_SERVER_CONFIG_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "limits/limits.h"
#include "server/config.h"

namespace strata::server {

enum class Kind { kString, kInt, kFloat, kBool, kDuration, kDurationList };

struct FieldInfo {
  // YAML path of the parent map, dotted ("blocks_storage.tsdb"); "" = the top level.
  std::string_view section;
  std::string_view key;   // YAML key within the section
  std::string_view flag;  // flag name without the leading dash
  Kind kind;
  std::string_view help;

  std::string path() const {
    return section.empty() ? std::string(key) : std::string(section) + "." + std::string(key);
  }
};

// The type word -help prints after a flag, as Go's flag package does ("" for booleans).
inline std::string_view KindTypeName(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "string";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kBool:
      return "";
    case Kind::kDuration:
      return "duration";
    case Kind::kDurationList:
      return "list of durations";
  }
  return "";
}

// What a value of `kind` looks like, for error messages: "an integer", "a duration", ...
std::string_view KindExpectation(Kind kind);

// Parses `text` (one scalar; a comma-separated list for kDurationList) into `*out`. Errors read
// `invalid value "text": expected ...`; the caller prefixes the key or flag.
absl::Status ParseField(Kind kind, std::string_view text, std::string* out);
absl::Status ParseField(Kind kind, std::string_view text, int64_t* out);  // kInt or kDuration
absl::Status ParseField(Kind kind, std::string_view text, double* out);
absl::Status ParseField(Kind kind, std::string_view text, bool* out);
absl::Status ParseField(Kind kind, std::string_view text, std::vector<int64_t>* out);

// The inverse of ParseField.
std::string FormatField(Kind kind, const std::string& value);
std::string FormatField(Kind kind, int64_t value);
std::string FormatField(Kind kind, double value);
std::string FormatField(Kind kind, bool value);
std::string FormatField(Kind kind, const std::vector<int64_t>& value);

// Every field of limits::Limits, under YAML section `section` ("limits" for the defaults,
// "overrides.<tenant>" for a tenant). L is Limits or const Limits.
template <typename L, typename V>
void VisitLimitFields(L& l, std::string_view section, V&& v) {
  auto f = [&](std::string_view key, std::string_view flag, Kind kind, std::string_view help) {
    return FieldInfo{section, key, flag, kind, help};
  };
  v(f("ingestion_rate", "distributor.ingestion-rate-limit", Kind::kFloat,
      "Per-tenant ingestion rate limit in samples per second."),
    l.ingestion_rate);
  v(f("ingestion_burst_size", "distributor.ingestion-burst-size", Kind::kInt,
      "Per-tenant ingestion burst size, in samples."),
    l.ingestion_burst_size);
  v(f("max_label_names_per_series", "validation.max-label-names-per-series", Kind::kInt,
      "Maximum number of labels in one series."),
    l.max_label_names_per_series);
  v(f("max_label_name_length", "validation.max-length-label-name", Kind::kInt,
      "Maximum length of a label name."),
    l.max_label_name_length);
  v(f("max_label_value_length", "validation.max-length-label-value", Kind::kInt,
      "Maximum length of a label value; applies to the metric name too."),
    l.max_label_value_length);
  v(f("max_labels_size_bytes", "validation.max-labels-size-bytes", Kind::kInt,
      "Maximum total size in bytes of a series' label names and values. 0 = no limit."),
    l.max_labels_size_bytes);
  v(f("max_metadata_length", "validation.max-metadata-length", Kind::kInt,
      "Maximum length of metric metadata (metric name, HELP, UNIT)."),
    l.max_metadata_length);
  v(f("reject_old_samples", "validation.reject-old-samples", Kind::kBool,
      "Reject samples older than reject_old_samples_max_age."),
    l.reject_old_samples);
  v(f("reject_old_samples_max_age", "validation.reject-old-samples.max-age", Kind::kDuration,
      "Oldest sample age accepted when reject_old_samples is on."),
    l.reject_old_samples_max_age_ms);
  v(f("creation_grace_period", "validation.create-grace-period", Kind::kDuration,
      "How far in the future a sample's timestamp may be."),
    l.creation_grace_period_ms);
  v(f("enforce_metric_name", "validation.enforce-metric-name", Kind::kBool,
      "Reject series without a metric name."),
    l.enforce_metric_name);
  v(f("max_series_per_user", "ingester.max-series-per-user", Kind::kInt,
      "Maximum number of in-memory series per tenant. 0 = no limit."),
    l.max_series_per_user);
  v(f("max_series_per_metric", "ingester.max-series-per-metric", Kind::kInt,
      "Maximum number of in-memory series per metric name per tenant. 0 = no limit."),
    l.max_series_per_metric);
  v(f("out_of_order_time_window", "ingester.out-of-order-time-window", Kind::kDuration,
      "How far behind a series' newest sample an out-of-order sample may be. 0 = out-of-order "
      "ingestion off."),
    l.out_of_order_time_window_ms);
}

template <typename C, typename V>
void VisitServerFields(C& c, V&& v) {
  auto& s = c.server;
  v(FieldInfo{"server", "http_listen_address", "server.http-listen-address", Kind::kString,
              "HTTP server listen address."},
    s.http_listen_address);
  v(FieldInfo{"server", "http_listen_port", "server.http-listen-port", Kind::kInt,
              "HTTP server listen port. 0 = any free port."},
    s.http_listen_port);
  v(FieldInfo{"server", "http_server_read_timeout", "server.http-read-timeout", Kind::kDuration,
              "Read timeout of the HTTP server."},
    s.http_server_read_timeout_ms);
  v(FieldInfo{"server", "http_server_write_timeout", "server.http-write-timeout", Kind::kDuration,
              "Write timeout of the HTTP server."},
    s.http_server_write_timeout_ms);
  v(FieldInfo{"server", "http_server_idle_timeout", "server.http-idle-timeout", Kind::kDuration,
              "Idle timeout of the HTTP server's keep-alive connections."},
    s.http_server_idle_timeout_ms);
  v(FieldInfo{"server", "graceful_shutdown_timeout", "server.graceful-shutdown-timeout",
              Kind::kDuration, "How long to wait for in-flight requests when shutting down."},
    s.graceful_shutdown_timeout_ms);
  v(FieldInfo{"server", "log_level", "log.level", Kind::kString,
              "Only log messages of this severity or above: debug, info, warn, error."},
    s.log_level);
}

template <typename C, typename V>
void VisitTsdbFields(C& c, V&& v) {
  auto& t = c.blocks_storage.tsdb;
  auto f = [](std::string_view key, std::string_view flag, Kind kind, std::string_view help) {
    return FieldInfo{"blocks_storage.tsdb", key, flag, kind, help};
  };
  v(f("dir", "blocks-storage.tsdb.dir", Kind::kString,
      "Local directory of the per-tenant TSDBs; one sub-directory per tenant."),
    t.dir);
  v(f("block_ranges_period", "blocks-storage.tsdb.block-ranges-period", Kind::kDurationList,
      "TSDB block ranges; the first is the head block range, the others are accepted and unused."),
    t.block_ranges_period_ms);
  v(f("retention_period", "blocks-storage.tsdb.retention-period", Kind::kDuration,
      "How long blocks are kept on local disk."),
    t.retention_period_ms);
  v(f("ship_interval", "blocks-storage.tsdb.ship-interval", Kind::kDuration,
      "How often new blocks are shipped to the bucket. 0 = shipping off."),
    t.ship_interval_ms);
  v(f("ship_concurrency", "blocks-storage.tsdb.ship-concurrency", Kind::kInt,
      "How many tenants ship blocks at the same time."),
    t.ship_concurrency);
  v(f("head_compaction_interval", "blocks-storage.tsdb.head-compaction-interval", Kind::kDuration,
      "How often tenants' heads are checked for compaction. Greater than 0 and at most 30m."),
    t.head_compaction_interval_ms);
  v(f("head_compaction_concurrency", "blocks-storage.tsdb.head-compaction-concurrency", Kind::kInt,
      "How many tenants' heads are compacted at the same time."),
    t.head_compaction_concurrency);
  v(f("head_compaction_idle_timeout", "blocks-storage.tsdb.head-compaction-idle-timeout",
      Kind::kDuration,
      "A head that received no sample for this long is compacted (in-order and out-of-order), "
      "with up to 25% jitter. 0 = off."),
    t.head_compaction_idle_timeout_ms);
  v(f("close_idle_tsdb_timeout", "blocks-storage.tsdb.close-idle-tsdb-timeout", Kind::kDuration,
      "A tenant's TSDB that is idle this long, compacted and shipped is closed and removed from "
      "local disk. 0 = off."),
    t.close_idle_tsdb_timeout_ms);
  v(f("flush_blocks_on_shutdown", "blocks-storage.tsdb.flush-blocks-on-shutdown", Kind::kBool,
      "Compact every head and ship the blocks on shutdown."),
    t.flush_blocks_on_shutdown);
  v(f("max_tsdb_opening_concurrency_on_startup",
      "blocks-storage.tsdb.max-tsdb-opening-concurrency-on-startup", Kind::kInt,
      "How many tenants' TSDBs are opened (WAL replayed) at the same time on start-up."),
    t.max_tsdb_opening_concurrency_on_startup);
  v(f("stripe_size", "blocks-storage.tsdb.stripe-size", Kind::kInt,
      "Number of series hash stripes per tenant head; a power of two."),
    t.stripe_size);
  v(f("wal_segment_size_bytes", "blocks-storage.tsdb.wal-segment-size-bytes", Kind::kInt,
      "WAL segment file size in bytes; a multiple of 32768."),
    t.wal_segment_size_bytes);
  v(f("wal_compression_type", "blocks-storage.tsdb.wal-compression-type", Kind::kString,
      "WAL record compression: snappy, or empty for none."),
    t.wal_compression_type);
  v(f("out_of_order_cap_max", "blocks-storage.tsdb.out-of-order-cap-max", Kind::kInt,
      "Maximum number of samples in one out-of-order head chunk, 1 to 255."),
    t.out_of_order_cap_max);
}

template <typename C, typename V>
void VisitOtherFields(C& c, V&& v) {
  v(FieldInfo{"distributor", "max_recv_msg_size", "distributor.max-recv-msg-size", Kind::kInt,
              "Largest remote-write request body accepted, in bytes."},
    c.distributor.max_recv_msg_size);
  v(FieldInfo{"ingester", "active_series_metrics_enabled", "ingester.active-series-metrics-enabled",
              Kind::kBool, "Track active series per tenant and export them as metrics."},
    c.ingester.active_series_metrics_enabled);
  v(FieldInfo{"ingester", "active_series_metrics_update_period",
              "ingester.active-series-metrics-update-period", Kind::kDuration,
              "How often the active series metrics are updated."},
    c.ingester.active_series_metrics_update_period_ms);
  v(FieldInfo{"ingester", "active_series_metrics_idle_timeout",
              "ingester.active-series-metrics-idle-timeout", Kind::kDuration,
              "A series that received no sample for this long is no longer active."},
    c.ingester.active_series_metrics_idle_timeout_ms);
  v(FieldInfo{"querier", "lookback_delta", "querier.lookback-delta", Kind::kDuration,
              "How far back a query looks for the latest sample of a series."},
    c.querier.lookback_delta_ms);
  v(FieldInfo{"querier", "max_samples", "querier.max-samples", Kind::kInt,
              "Maximum number of samples a single query may hold in memory."},
    c.querier.max_samples);
  v(FieldInfo{"querier", "timeout", "querier.timeout", Kind::kDuration, "Time limit of a query."},
    c.querier.timeout_ms);
  v(FieldInfo{"querier", "range_query_parts", "querier.range-query-parts", Kind::kInt,
              "Range queries of 128 steps or more are split into up to this many runs of steps, "
              "evaluated in parallel (0: one per core; 1: never split)."},
    c.querier.range_query_parts);
}

// Every field of Config except `overrides` (which is a map, handled by the YAML code), with the
// YAML sections contiguous and in the order ToYaml prints them. C is Config or const Config.
template <typename C, typename V>
void VisitConfigFields(C& c, V&& v) {
  v(FieldInfo{"", "target", "target", Kind::kString,
              "Comma-separated roles to run: all, distributor, ingester, querier."},
    c.target);
  v(FieldInfo{"", "auth_enabled", "auth.enabled", Kind::kBool,
              "Require the X-Scope-OrgID header; when false every request is tenant \"fake\"."},
    c.auth_enabled);
  VisitServerFields(c, v);
  VisitOtherFields(c, v);
  v(FieldInfo{"blocks_storage", "backend", "blocks-storage.backend", Kind::kString,
              "Bucket backend for shipped blocks: filesystem."},
    c.blocks_storage.backend);
  v(FieldInfo{"blocks_storage.filesystem", "dir", "blocks-storage.filesystem.dir", Kind::kString,
              "Root directory of the filesystem bucket."},
    c.blocks_storage.filesystem.dir);
  VisitTsdbFields(c, v);
  VisitLimitFields(c.limits, "limits", v);
}

}  // namespace strata::server

#endif  // STRATA_SERVER_CONFIG_FIELDS_H_
