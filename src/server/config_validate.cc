// Validate: the invariants a loaded Config must hold. Each message names the YAML key, its flag
// (when it has one) and the offending value, so the user can fix either spelling.
#include <cmath>

#include "server/config.h"
#include "server/config_fields.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::server {
namespace {

// "blocks_storage.tsdb.stripe_size (-blocks-storage.tsdb.stripe-size)" for a path in the table.
std::string Describe(std::string_view path) {
  std::string flag;
  Config defaults;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto&) {
    if (info.path() == path) flag = std::string(info.flag);
  });
  return flag.empty() ? std::string(path) : StrCat(path, " (-", flag, ")");
}

template <typename T>
absl::Status Bad(std::string_view path, std::string_view rule, Kind kind, const T& value) {
  std::string text = FormatField(kind, value);
  if (kind == Kind::kString) text = StrCat("\"", text, "\"");
  return absl::InvalidArgumentError(StrCat(Describe(path), ": ", rule, ", got ", text));
}

bool IsPowerOfTwo(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// Cortex's tenant ID rules (pkg/util/users): at most 150 characters of letters, digits and
// !-_.*'(), and not "." or "..".
absl::Status ValidateTenantId(std::string_view tenant) {
  constexpr std::string_view kExtra = "!-_.*'()";
  bool ok = !tenant.empty() && tenant.size() <= 150 && tenant != "." && tenant != "..";
  for (char c : tenant) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                kExtra.find(c) != std::string_view::npos);
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(StrCat(
      "overrides: invalid tenant ID \"", tenant,
      "\": expected 1 to 150 letters, digits or !-_.*'() characters, and not \".\" or \"..\""));
}

// No limit may be negative; 0 means "off" or "no limit" where that applies.
absl::Status ValidateLimits(const limits::Limits& l, std::string_view section) {
  absl::Status status;
  VisitLimitFields(l, section, [&](const FieldInfo& info, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>) {
      if (status.ok() && value < 0)
        status = Bad(info.path(), "must not be negative", info.kind, value);
    }
  });
  return status;
}

absl::Status ValidateTarget(const std::string& target) {
  std::string_view rest = target;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view role = rest.substr(0, comma);
    if (role != "all" && role != "distributor" && role != "ingester" && role != "querier") {
      return Bad("target", "must list roles among all, distributor, ingester, querier",
                 Kind::kString, target);
    }
    if (comma == std::string_view::npos) return absl::OkStatus();
    rest.remove_prefix(comma + 1);
  }
}

absl::Status ValidateServer(const Config& c) {
  const ServerConfig& s = c.server;
  if (s.http_listen_port < 0 || s.http_listen_port > 65535) {
    return Bad("server.http_listen_port", "must be 0 to 65535", Kind::kInt, s.http_listen_port);
  }
  struct {
    std::string_view path;
    int64_t ms;
  } const timeouts[] = {{"server.http_server_read_timeout", s.http_server_read_timeout_ms},
                        {"server.http_server_write_timeout", s.http_server_write_timeout_ms},
                        {"server.http_server_idle_timeout", s.http_server_idle_timeout_ms},
                        {"server.graceful_shutdown_timeout", s.graceful_shutdown_timeout_ms}};
  for (const auto& t : timeouts) {
    if (t.ms < 0) return Bad(t.path, "must not be negative", Kind::kDuration, t.ms);
  }
  if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warn" &&
      s.log_level != "error") {
    return Bad("server.log_level", "must be debug, info, warn or error", Kind::kString,
               s.log_level);
  }
  if (c.distributor.max_recv_msg_size <= 0) {
    return Bad("distributor.max_recv_msg_size", "must be positive", Kind::kInt,
               c.distributor.max_recv_msg_size);
  }
  return absl::OkStatus();
}

absl::Status ValidateIngesterAndQuerier(const Config& c) {
  const IngesterConfig& i = c.ingester;
  if (i.active_series_metrics_enabled && i.active_series_metrics_update_period_ms <= 0) {
    return Bad("ingester.active_series_metrics_update_period",
               "must be positive while active series metrics are enabled", Kind::kDuration,
               i.active_series_metrics_update_period_ms);
  }
  if (i.active_series_metrics_enabled && i.active_series_metrics_idle_timeout_ms <= 0) {
    return Bad("ingester.active_series_metrics_idle_timeout",
               "must be positive while active series metrics are enabled", Kind::kDuration,
               i.active_series_metrics_idle_timeout_ms);
  }
  const QuerierConfig& q = c.querier;
  if (q.lookback_delta_ms <= 0) {
    return Bad("querier.lookback_delta", "must be positive", Kind::kDuration, q.lookback_delta_ms);
  }
  if (q.max_samples <= 0) {
    return Bad("querier.max_samples", "must be positive", Kind::kInt, q.max_samples);
  }
  if (q.timeout_ms <= 0) {
    return Bad("querier.timeout", "must be positive", Kind::kDuration, q.timeout_ms);
  }
  if (q.range_query_parts < 0 || q.range_query_parts > 1024) {
    return Bad("querier.range_query_parts", "must be between 0 and 1024", Kind::kInt,
               q.range_query_parts);
  }
  return absl::OkStatus();
}

absl::Status ValidateStorage(const BlocksStorageConfig& b) {
  if (b.backend != "filesystem") {
    return Bad("blocks_storage.backend", "only filesystem is supported", Kind::kString, b.backend);
  }
  if (b.filesystem.dir.empty()) {
    return Bad("blocks_storage.filesystem.dir", "must not be empty", Kind::kString,
               b.filesystem.dir);
  }
  if (b.tsdb.dir.empty()) {
    return Bad("blocks_storage.tsdb.dir", "must not be empty", Kind::kString, b.tsdb.dir);
  }
  return absl::OkStatus();
}

absl::Status ValidateTsdbDurations(const TsdbConfig& t) {
  constexpr std::string_view kTsdb = "blocks_storage.tsdb.";
  if (t.block_ranges_period_ms.empty()) {
    return Bad(StrCat(kTsdb, "block_ranges_period"), "must not be empty", Kind::kDurationList,
               t.block_ranges_period_ms);
  }
  for (int64_t ms : t.block_ranges_period_ms) {
    if (ms <= 0) {
      return Bad(StrCat(kTsdb, "block_ranges_period"), "every range must be positive",
                 Kind::kDurationList, t.block_ranges_period_ms);
    }
  }
  if (t.retention_period_ms < 0) {
    return Bad(StrCat(kTsdb, "retention_period"), "must not be negative", Kind::kDuration,
               t.retention_period_ms);
  }
  if (t.ship_interval_ms < 0) {
    return Bad(StrCat(kTsdb, "ship_interval"), "must not be negative", Kind::kDuration,
               t.ship_interval_ms);
  }
  if (t.head_compaction_interval_ms <= 0 || t.head_compaction_interval_ms > 30 * kMinuteMs) {
    return Bad(StrCat(kTsdb, "head_compaction_interval"), "must be greater than 0 and at most 30m",
               Kind::kDuration, t.head_compaction_interval_ms);
  }
  if (t.head_compaction_idle_timeout_ms < 0) {
    return Bad(StrCat(kTsdb, "head_compaction_idle_timeout"), "must not be negative",
               Kind::kDuration, t.head_compaction_idle_timeout_ms);
  }
  return absl::OkStatus();
}

absl::Status ValidateTsdbSizes(const TsdbConfig& t) {
  constexpr std::string_view kTsdb = "blocks_storage.tsdb.";
  if (t.ship_interval_ms > 0 && t.ship_concurrency <= 0) {
    return Bad(StrCat(kTsdb, "ship_concurrency"), "must be positive while shipping is on",
               Kind::kInt, t.ship_concurrency);
  }
  if (t.head_compaction_concurrency <= 0) {
    return Bad(StrCat(kTsdb, "head_compaction_concurrency"), "must be positive", Kind::kInt,
               t.head_compaction_concurrency);
  }
  if (t.max_tsdb_opening_concurrency_on_startup <= 0) {
    return Bad(StrCat(kTsdb, "max_tsdb_opening_concurrency_on_startup"), "must be positive",
               Kind::kInt, t.max_tsdb_opening_concurrency_on_startup);
  }
  // Bounded above too: every tenant's head allocates all its stripes up front.
  if (t.stripe_size <= 1 || !IsPowerOfTwo(t.stripe_size) || t.stripe_size > (1 << 20)) {
    return Bad(StrCat(kTsdb, "stripe_size"), "must be a power of two from 2 to 1048576", Kind::kInt,
               t.stripe_size);
  }
  // The WAL is written in 32 KiB pages and a segment holds whole pages.
  constexpr int64_t kWalPageBytes = 32 * 1024;
  if (t.wal_segment_size_bytes <= 0 || t.wal_segment_size_bytes % kWalPageBytes != 0) {
    return Bad(StrCat(kTsdb, "wal_segment_size_bytes"), "must be a positive multiple of 32768",
               Kind::kInt, t.wal_segment_size_bytes);
  }
  if (!t.wal_compression_type.empty() && t.wal_compression_type != "snappy") {
    return Bad(StrCat(kTsdb, "wal_compression_type"),
               "must be snappy or empty (zstd is not "
               "supported)",
               Kind::kString, t.wal_compression_type);
  }
  // Samples per OOO chunk; the head (tsdb::HeadOptions::ooo_cap_max) takes 1..255, as Prometheus.
  if (t.out_of_order_cap_max < 1 || t.out_of_order_cap_max > 255) {
    return Bad(StrCat(kTsdb, "out_of_order_cap_max"), "must be 1 to 255", Kind::kInt,
               t.out_of_order_cap_max);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Validate(const Config& config) {
  RETURN_IF_ERROR(ValidateTarget(config.target));
  RETURN_IF_ERROR(ValidateServer(config));
  RETURN_IF_ERROR(ValidateIngesterAndQuerier(config));
  RETURN_IF_ERROR(ValidateStorage(config.blocks_storage));
  RETURN_IF_ERROR(ValidateTsdbDurations(config.blocks_storage.tsdb));
  RETURN_IF_ERROR(ValidateTsdbSizes(config.blocks_storage.tsdb));
  RETURN_IF_ERROR(ValidateLimits(config.limits, "limits"));
  for (const auto& [tenant, tenant_limits] : config.overrides) {
    RETURN_IF_ERROR(ValidateTenantId(tenant));
    RETURN_IF_ERROR(ValidateLimits(tenant_limits, StrCat("overrides.", tenant)));
  }
  return absl::OkStatus();
}

}  // namespace strata::server
