// Strata's configuration: one struct holding everything the server needs, loaded the way Cortex
// loads its own (ARCHITECTURE.md §4):
//
//   defaults  →  YAML file (-config.file)  →  command-line flags  →  per-tenant `overrides:`
//
// YAML keys and flag names are Cortex's spelling (blocks_storage.tsdb.dir /
// -blocks-storage.tsdb.dir); the defaults are Strata's, chosen for one process on local disk.
// Durations are accepted in Prometheus syntax ("90s", "1h30m", "2d") and in Go syntax ("1h0m0s").
// Anything wrong (unknown key or flag, bad value, invalid combination) is an InvalidArgument
// status whose message names the key or flag, so that start-up can stop with it.
//
// Each field's comment gives its YAML key (relative to its section) and its default. The full
// list with flags and help texts is in config_fields.h, the single table every loader, printer
// and the -help output are driven by.
//
// Thread-safety: plain values; a Config is built once at start-up and then only read.
#ifndef STRATA_SERVER_CONFIG_H_
#define STRATA_SERVER_CONFIG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "limits/limits.h"
#include "util/fs.h"

namespace strata::server {

inline constexpr int64_t kSecondMs = 1000;
inline constexpr int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr int64_t kHourMs = 60 * kMinuteMs;

// YAML section `server`.
struct ServerConfig {
  std::string http_listen_address = "0.0.0.0";            // http_listen_address
  int64_t http_listen_port = 9009;                        // http_listen_port; 0 = any free port
  int64_t http_server_read_timeout_ms = 30 * kSecondMs;   // http_server_read_timeout
  int64_t http_server_write_timeout_ms = 30 * kSecondMs;  // http_server_write_timeout
  int64_t http_server_idle_timeout_ms = 2 * kMinuteMs;    // http_server_idle_timeout
  int64_t graceful_shutdown_timeout_ms = 30 * kSecondMs;  // graceful_shutdown_timeout
  std::string log_level = "info";                         // log_level: debug, info, warn, error
  bool operator==(const ServerConfig&) const = default;
};

// YAML section `distributor`.
struct DistributorConfig {
  int64_t max_recv_msg_size = 104857600;  // max_recv_msg_size: remote-write body limit (bytes)
  bool operator==(const DistributorConfig&) const = default;
};

// YAML section `ingester`.
struct IngesterConfig {
  bool active_series_metrics_enabled = true;                       // active_series_metrics_enabled
  int64_t active_series_metrics_update_period_ms = kMinuteMs;      // ..._update_period
  int64_t active_series_metrics_idle_timeout_ms = 10 * kMinuteMs;  // ..._idle_timeout
  bool operator==(const IngesterConfig&) const = default;
};

// YAML section `querier`.
struct QuerierConfig {
  int64_t lookback_delta_ms = 5 * kMinuteMs;  // lookback_delta
  int64_t max_samples = 50000000;             // max_samples: per query, in memory at once
  int64_t timeout_ms = 2 * kMinuteMs;         // timeout
  // range_query_parts: a range query of many steps is evaluated in up to this many parts on
  // their own threads (promql::EngineOptions); 0 = one per core, 1 = never split.
  int64_t range_query_parts = 0;
  bool operator==(const QuerierConfig&) const = default;
};

// YAML section `blocks_storage.tsdb`: the per-tenant TSDBs in the ingester.
struct TsdbConfig {
  std::string dir = "./data/tsdb";  // dir: one sub-directory per tenant
  // block_ranges_period: a list, as in Cortex; only the first entry (the head block range) is
  // used. Never empty once validated.
  std::vector<int64_t> block_ranges_period_ms = {2 * kHourMs};
  int64_t retention_period_ms = 6 * kHourMs;             // retention_period
  int64_t ship_interval_ms = kMinuteMs;                  // ship_interval: 0 = no shipping
  int64_t ship_concurrency = 10;                         // ship_concurrency
  int64_t head_compaction_interval_ms = kMinuteMs;       // head_compaction_interval: (0, 30m]
  int64_t head_compaction_concurrency = 5;               // head_compaction_concurrency
  int64_t head_compaction_idle_timeout_ms = kHourMs;     // head_compaction_idle_timeout: 0 = off
  int64_t close_idle_tsdb_timeout_ms = 0;                // close_idle_tsdb_timeout: <= 0 = off
  bool flush_blocks_on_shutdown = false;                 // flush_blocks_on_shutdown
  int64_t max_tsdb_opening_concurrency_on_startup = 10;  // max_tsdb_opening_concurrency_on_startup
  // stripe_size: power of two. Cortex's default is 16384; Strata keeps one head per tenant and
  // each stripe costs memory even when empty, hence 32 (tsdb::HeadOptions).
  int64_t stripe_size = 32;
  int64_t wal_segment_size_bytes = 134217728;  // wal_segment_size_bytes: multiple of 32 KiB
  std::string wal_compression_type;            // wal_compression_type: "" (off) or "snappy"
  int64_t out_of_order_cap_max = 32;           // out_of_order_cap_max: 1..255

  // The head block range: the first entry of block_ranges_period.
  int64_t block_range_ms() const { return block_ranges_period_ms.front(); }
  bool operator==(const TsdbConfig&) const = default;
};

// YAML section `blocks_storage.filesystem`.
struct FilesystemConfig {
  std::string dir = "./data/blocks";  // dir: the bucket's root directory
  bool operator==(const FilesystemConfig&) const = default;
};

// YAML section `blocks_storage`.
struct BlocksStorageConfig {
  std::string backend = "filesystem";  // backend: only "filesystem" for now
  FilesystemConfig filesystem;
  TsdbConfig tsdb;
  bool operator==(const BlocksStorageConfig&) const = default;
};

struct Config {
  std::string target = "all";  // target: comma-separated roles; all, distributor, ingester, querier
  bool auth_enabled = false;   // auth_enabled: false = every request is tenant "fake"
  ServerConfig server;
  DistributorConfig distributor;
  IngesterConfig ingester;
  QuerierConfig querier;
  BlocksStorageConfig blocks_storage;
  limits::Limits limits;  // limits: the defaults for every tenant (Cortex's limits_config keys)
  // overrides: {tenant: {limit key: value}}. Each tenant's Limits start from `limits` (after the
  // flags were applied) and take the keys given.
  std::map<std::string, limits::Limits, std::less<>> overrides;

  // The limits in force per tenant, for the distributor and the ingester.
  limits::Overrides MakeOverrides() const { return limits::Overrides(limits, overrides); }

  friend bool operator==(const Config& a, const Config& b);
};

// Field-by-field equality of two Limits (limits::Limits itself has no operator==).
bool LimitsEqual(const limits::Limits& a, const limits::Limits& b);

// Checks invariants a loaded Config must satisfy (ranges, powers of two, supported values,
// combinations). The error names the YAML key and the flag, and the offending value:
// `blocks_storage.tsdb.stripe_size (-blocks-storage.tsdb.stripe-size): must be a power of two
// greater than 1, got 100`.
absl::Status Validate(const Config& config);

// Defaults + `yaml` (a whole config file's text) + per-tenant overrides, then Validate. An empty
// document gives the defaults. Errors name the key: `blocks_storage.tsdb.head_compation_interval:
// unknown field`, `server.http_listen_port: invalid value "x": expected an integer`.
absl::StatusOr<Config> ConfigFromYaml(std::string_view yaml);

// The effective config as YAML with Cortex's keys, every field included; per-tenant overrides list
// only the keys that differ from `limits`. What GET /config returns. ConfigFromYaml(ToYaml(c))
// == c for every valid c.
std::string ToYaml(const Config& config);

struct LoadResult {
  // -h, -help or --help was given: print FlagsHelp() to stdout and exit 0. `config` is then
  // the defaults and nothing else was read or validated.
  bool help_requested = false;
  Config config;
};

// The whole start-up sequence from the command line. `args` excludes the program name.
// Flags: `-name=value`, `--name=value`, `-name value`, `--name value`; booleans also bare
// (`-auth.enabled`) but never take a separate argument (as Go's flag package). The last
// occurrence of a flag wins. `-config.file=F` is read first through `fs` (which must outlive the
// call), then every other flag overrides it. Errors: unknown flag (`flag provided but not
// defined: -foo`), missing value, bad value, positional arguments, unreadable or invalid file
// (prefixed `config file "F": `), and anything Validate rejects.
absl::StatusOr<LoadResult> LoadConfig(std::span<const std::string> args, Fs* fs);
absl::StatusOr<LoadResult> LoadConfig(int argc, const char* const* argv, Fs* fs);

// Usage text: every flag with its type, description and default, sorted by name, in the layout of
// Go's flag.PrintDefaults.
std::string FlagsHelp();

}  // namespace strata::server

#endif  // STRATA_SERVER_CONFIG_H_
