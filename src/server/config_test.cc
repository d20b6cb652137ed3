#include "server/config.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config_fields.h"
#include "util/fs.h"
#include "util/testing.h"

namespace strata::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr int64_t kS = 1000;
constexpr int64_t kM = 60 * kS;
constexpr int64_t kH = 60 * kM;
constexpr int64_t kD = 24 * kH;

std::string YamlError(std::string_view yaml) {
  absl::StatusOr<Config> c = ConfigFromYaml(yaml);
  EXPECT_FALSE(c.ok()) << yaml;
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(c.status().message());
}

// A file-backed config loaded through LoadConfig with the given extra flags.
class LoadConfigTest : public ::testing::Test {
 protected:
  absl::StatusOr<LoadResult> Load(std::string_view yaml, std::vector<std::string> flags) {
    const std::string path = dir_.Join("strata.yaml");
    absl::Status st = WriteFileAtomically(DefaultFs(), path, yaml);
    EXPECT_TRUE(st.ok()) << st;
    flags.insert(flags.begin(), "-config.file=" + path);
    return LoadConfig(flags, DefaultFs());
  }
  testing::TempDir dir_;
};

TEST(ConfigTest, Defaults) {
  const Config c;
  EXPECT_EQ(c.target, "all");
  EXPECT_FALSE(c.auth_enabled);
  EXPECT_EQ(c.server.http_listen_address, "0.0.0.0");
  EXPECT_EQ(c.server.http_listen_port, 9009);
  EXPECT_EQ(c.server.http_server_read_timeout_ms, 30 * kS);
  EXPECT_EQ(c.server.http_server_write_timeout_ms, 30 * kS);
  EXPECT_EQ(c.server.http_server_idle_timeout_ms, 2 * kM);
  EXPECT_EQ(c.server.graceful_shutdown_timeout_ms, 30 * kS);
  EXPECT_EQ(c.server.log_level, "info");
  EXPECT_EQ(c.distributor.max_recv_msg_size, 104857600);
  EXPECT_TRUE(c.ingester.active_series_metrics_enabled);
  EXPECT_EQ(c.ingester.active_series_metrics_update_period_ms, kM);
  EXPECT_EQ(c.ingester.active_series_metrics_idle_timeout_ms, 10 * kM);
  EXPECT_EQ(c.querier.lookback_delta_ms, 5 * kM);
  EXPECT_EQ(c.querier.max_samples, 50000000);
  EXPECT_EQ(c.querier.timeout_ms, 2 * kM);
  EXPECT_EQ(c.querier.range_query_parts, 0);
  EXPECT_EQ(c.blocks_storage.backend, "filesystem");
  EXPECT_EQ(c.blocks_storage.filesystem.dir, "./data/blocks");
  const TsdbConfig& t = c.blocks_storage.tsdb;
  EXPECT_EQ(t.dir, "./data/tsdb");
  EXPECT_THAT(t.block_ranges_period_ms, ElementsAre(2 * kH));
  EXPECT_EQ(t.block_range_ms(), 2 * kH);
  EXPECT_EQ(t.retention_period_ms, 6 * kH);
  EXPECT_EQ(t.ship_interval_ms, kM);
  EXPECT_EQ(t.ship_concurrency, 10);
  EXPECT_EQ(t.head_compaction_interval_ms, kM);
  EXPECT_EQ(t.head_compaction_concurrency, 5);
  EXPECT_EQ(t.head_compaction_idle_timeout_ms, kH);
  EXPECT_EQ(t.close_idle_tsdb_timeout_ms, 0);
  EXPECT_FALSE(t.flush_blocks_on_shutdown);
  EXPECT_EQ(t.max_tsdb_opening_concurrency_on_startup, 10);
  EXPECT_EQ(t.stripe_size, 32);
  EXPECT_EQ(t.wal_segment_size_bytes, 134217728);
  EXPECT_EQ(t.wal_compression_type, "");
  EXPECT_EQ(t.out_of_order_cap_max, 32);
  EXPECT_TRUE(LimitsEqual(c.limits, limits::Limits{}));
  EXPECT_TRUE(c.overrides.empty());
  EXPECT_TRUE(Validate(c).ok()) << Validate(c);

  // No file, no flags: the defaults.
  absl::StatusOr<LoadResult> r = LoadConfig(std::vector<std::string>{}, DefaultFs());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->help_requested);
  EXPECT_TRUE(r->config == Config{});
  // An empty document too.
  ASSERT_TRUE(ConfigFromYaml("").ok());
  EXPECT_TRUE(*ConfigFromYaml("") == Config{});
  EXPECT_TRUE(*ConfigFromYaml("# only a comment\n") == Config{});
}

constexpr std::string_view kEveryKey = R"(
target: ingester,querier
auth_enabled: true
server:
  http_listen_address: 127.0.0.1
  http_listen_port: 0
  http_server_read_timeout: 31s
  http_server_write_timeout: 1m0s
  http_server_idle_timeout: 3m
  graceful_shutdown_timeout: 5s
  log_level: debug
distributor:
  max_recv_msg_size: 1048576
ingester:
  active_series_metrics_enabled: false
  active_series_metrics_update_period: 30s
  active_series_metrics_idle_timeout: 20m
querier:
  lookback_delta: 10m
  max_samples: 1000
  timeout: 30s
  range_query_parts: 4
blocks_storage:
  backend: filesystem
  filesystem:
    dir: /var/blocks
  tsdb:
    dir: /var/tsdb
    block_ranges_period: [1h, 12h]
    retention_period: 1d
    ship_interval: 0
    ship_concurrency: 3
    head_compaction_interval: 30m
    head_compaction_concurrency: 2
    head_compaction_idle_timeout: 1h30m
    close_idle_tsdb_timeout: 2h
    flush_blocks_on_shutdown: true
    max_tsdb_opening_concurrency_on_startup: 4
    stripe_size: 16384
    wal_segment_size_bytes: 1048576
    wal_compression_type: snappy
    out_of_order_cap_max: 255
limits:
  ingestion_rate: 1234.5
  ingestion_burst_size: 777
  max_label_names_per_series: 40
  max_label_name_length: 100
  max_label_value_length: 200
  max_labels_size_bytes: 3000
  max_metadata_length: 50
  reject_old_samples: true
  reject_old_samples_max_age: 3w
  creation_grace_period: 15m
  enforce_metric_name: false
  max_series_per_user: 0
  max_series_per_metric: 9
  out_of_order_time_window: 30m
)";

TEST(ConfigTest, YamlEveryKey) {
  absl::StatusOr<Config> c = ConfigFromYaml(kEveryKey);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->target, "ingester,querier");
  EXPECT_TRUE(c->auth_enabled);
  EXPECT_EQ(c->server.http_listen_address, "127.0.0.1");
  EXPECT_EQ(c->server.http_listen_port, 0);
  EXPECT_EQ(c->server.http_server_read_timeout_ms, 31 * kS);
  EXPECT_EQ(c->server.http_server_write_timeout_ms, kM);
  EXPECT_EQ(c->server.http_server_idle_timeout_ms, 3 * kM);
  EXPECT_EQ(c->server.graceful_shutdown_timeout_ms, 5 * kS);
  EXPECT_EQ(c->server.log_level, "debug");
  EXPECT_EQ(c->distributor.max_recv_msg_size, 1048576);
  EXPECT_FALSE(c->ingester.active_series_metrics_enabled);
  EXPECT_EQ(c->ingester.active_series_metrics_update_period_ms, 30 * kS);
  EXPECT_EQ(c->ingester.active_series_metrics_idle_timeout_ms, 20 * kM);
  EXPECT_EQ(c->querier.lookback_delta_ms, 10 * kM);
  EXPECT_EQ(c->querier.max_samples, 1000);
  EXPECT_EQ(c->querier.timeout_ms, 30 * kS);
  EXPECT_EQ(c->querier.range_query_parts, 4);
  EXPECT_EQ(c->blocks_storage.backend, "filesystem");
  EXPECT_EQ(c->blocks_storage.filesystem.dir, "/var/blocks");
  const TsdbConfig& t = c->blocks_storage.tsdb;
  EXPECT_EQ(t.dir, "/var/tsdb");
  EXPECT_THAT(t.block_ranges_period_ms, ElementsAre(kH, 12 * kH));
  EXPECT_EQ(t.block_range_ms(), kH);
  EXPECT_EQ(t.retention_period_ms, kD);
  EXPECT_EQ(t.ship_interval_ms, 0);
  EXPECT_EQ(t.ship_concurrency, 3);
  EXPECT_EQ(t.head_compaction_interval_ms, 30 * kM);
  EXPECT_EQ(t.head_compaction_concurrency, 2);
  EXPECT_EQ(t.head_compaction_idle_timeout_ms, 90 * kM);
  EXPECT_EQ(t.close_idle_tsdb_timeout_ms, 2 * kH);
  EXPECT_TRUE(t.flush_blocks_on_shutdown);
  EXPECT_EQ(t.max_tsdb_opening_concurrency_on_startup, 4);
  EXPECT_EQ(t.stripe_size, 16384);
  EXPECT_EQ(t.wal_segment_size_bytes, 1048576);
  EXPECT_EQ(t.wal_compression_type, "snappy");
  EXPECT_EQ(t.out_of_order_cap_max, 255);
  const limits::Limits& l = c->limits;
  EXPECT_EQ(l.ingestion_rate, 1234.5);
  EXPECT_EQ(l.ingestion_burst_size, 777);
  EXPECT_EQ(l.max_label_names_per_series, 40);
  EXPECT_EQ(l.max_label_name_length, 100);
  EXPECT_EQ(l.max_label_value_length, 200);
  EXPECT_EQ(l.max_labels_size_bytes, 3000);
  EXPECT_EQ(l.max_metadata_length, 50);
  EXPECT_TRUE(l.reject_old_samples);
  EXPECT_EQ(l.reject_old_samples_max_age_ms, 21 * kD);
  EXPECT_EQ(l.creation_grace_period_ms, 15 * kM);
  EXPECT_FALSE(l.enforce_metric_name);
  EXPECT_EQ(l.max_series_per_user, 0);
  EXPECT_EQ(l.max_series_per_metric, 9);
  EXPECT_EQ(l.out_of_order_time_window_ms, 30 * kM);

  // The sample sets every field of the table to a non-default value.
  const Config defaults;
  std::vector<std::string> unchanged;
  VisitConfigFields(*c, [&](const FieldInfo& info, const auto& got) {
    VisitConfigFields(defaults, [&](const FieldInfo& d, const auto& def) {
      if (d.path() == info.path() && FormatField(d.kind, def) == FormatField(info.kind, got)) {
        unchanged.push_back(info.path());
      }
    });
  });
  EXPECT_THAT(unchanged, ElementsAre("blocks_storage.backend"));  // the only backend
}

TEST(ConfigTest, YamlSpellings) {
  absl::StatusOr<Config> c = ConfigFromYaml(R"(
blocks_storage:
  tsdb:
    block_ranges_period: 2h0m0s       # a single value, Go syntax
    head_compaction_idle_timeout: 1h0m0s
    wal_compression_type:             # null = empty string
limits:
  ingestion_rate: 25000
  reject_old_samples: True
  reject_old_samples_max_age: 336h
server:                               # an empty section
)");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->blocks_storage.tsdb.block_ranges_period_ms, ElementsAre(2 * kH));
  EXPECT_EQ(c->blocks_storage.tsdb.head_compaction_idle_timeout_ms, kH);
  EXPECT_EQ(c->blocks_storage.tsdb.wal_compression_type, "");
  EXPECT_TRUE(c->limits.reject_old_samples);
  EXPECT_EQ(c->limits.reject_old_samples_max_age_ms, 14 * kD);
  // Block-style list, quoted scalars, flow maps.
  c = ConfigFromYaml(
      "blocks_storage: {tsdb: {block_ranges_period: ['2h', \"24h\"]}}\n"
      "server: {http_listen_port: '8080'}\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->blocks_storage.tsdb.block_ranges_period_ms, ElementsAre(2 * kH, 24 * kH));
  EXPECT_EQ(c->server.http_listen_port, 8080);
}

TEST(ConfigTest, OverridesInheritFromDefaults) {
  absl::StatusOr<Config> c = ConfigFromYaml(R"(
limits:
  max_series_per_user: 100
  ingestion_rate: 10
overrides:
  tenant-a:
    max_series_per_user: 5
    out_of_order_time_window: 10m
  tenant-b: {}
  tenant-c:
)");
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->overrides.size(), 3u);
  limits::Limits want_a = c->limits;
  want_a.max_series_per_user = 5;
  want_a.out_of_order_time_window_ms = 10 * kM;
  EXPECT_TRUE(LimitsEqual(c->overrides.at("tenant-a"), want_a));
  EXPECT_TRUE(LimitsEqual(c->overrides.at("tenant-b"), c->limits));
  EXPECT_TRUE(LimitsEqual(c->overrides.at("tenant-c"), c->limits));
  EXPECT_EQ(c->overrides.at("tenant-a").ingestion_rate, 10);  // inherited, not Cortex's default

  limits::Overrides o = c->MakeOverrides();
  EXPECT_EQ(o.ForTenant("tenant-a").max_series_per_user, 5);
  EXPECT_EQ(o.ForTenant("tenant-a").out_of_order_time_window_ms, 10 * kM);
  EXPECT_EQ(o.ForTenant("tenant-b").max_series_per_user, 100);
  EXPECT_EQ(o.ForTenant("someone-else").max_series_per_user, 100);
  EXPECT_EQ(o.ForTenant("someone-else").out_of_order_time_window_ms, 0);
}

TEST_F(LoadConfigTest, FlagsOverrideYamlAndOverridesInheritFlags) {
  absl::StatusOr<LoadResult> r =
      Load(R"(
server:
  http_listen_port: 1111
  http_listen_address: 10.0.0.1
limits:
  max_series_per_user: 100
  max_series_per_metric: 7
overrides:
  t1:
    max_series_per_metric: 3
)",
           {"-server.http-listen-port=2222", "-ingester.max-series-per-user", "42"});
  ASSERT_TRUE(r.ok()) << r.status();
  const Config& c = r->config;
  EXPECT_EQ(c.server.http_listen_port, 2222);           // flag wins
  EXPECT_EQ(c.server.http_listen_address, "10.0.0.1");  // file value kept
  EXPECT_EQ(c.limits.max_series_per_user, 42);
  EXPECT_EQ(c.limits.max_series_per_metric, 7);
  // The tenant inherits the defaults after the flags, then applies its own keys.
  EXPECT_EQ(c.overrides.at("t1").max_series_per_user, 42);
  EXPECT_EQ(c.overrides.at("t1").max_series_per_metric, 3);

  // The flag may come before -config.file too.
  r = Load("server: {http_listen_port: 1111}\n", {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->config.server.http_listen_port, 1111);
  std::vector<std::string> args = {"-server.http-listen-port=3333",
                                   "-config.file=" + dir_.Join("strata.yaml")};
  r = LoadConfig(args, DefaultFs());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->config.server.http_listen_port, 3333);
}

TEST_F(LoadConfigTest, HelpStopsBeforeAnythingIsRead) {
  std::vector<std::string> args = {"-config.file=/does/not/exist", "--help"};
  absl::StatusOr<LoadResult> r = LoadConfig(args, DefaultFs());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->help_requested);
  const char* argv[] = {"strata", "-h"};
  r = LoadConfig(2, argv, DefaultFs());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->help_requested);
}

TEST_F(LoadConfigTest, ArgvOverload) {
  const char* argv[] = {"strata", "-target=querier", "--auth.enabled"};
  absl::StatusOr<LoadResult> r = LoadConfig(3, argv, DefaultFs());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->config.target, "querier");
  EXPECT_TRUE(r->config.auth_enabled);
}

TEST_F(LoadConfigTest, FileErrorsNameTheFile) {
  std::vector<std::string> args = {"-config.file=" + dir_.Join("missing.yaml")};
  absl::StatusOr<LoadResult> r = LoadConfig(args, DefaultFs());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("config file \"" + dir_.Join("missing.yaml") + "\": "));

  r = Load("server:\n  http_listen_prot: 1\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()),
            "config file \"" + dir_.Join("strata.yaml") +
                "\": server.http_listen_prot: unknown field (line 2)");
  // A flag error is reported even though the file is bad: flags are parsed first.
  r = Load("server:\n  http_listen_prot: 1\n", {"-nope"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(std::string(r.status().message()), "flag provided but not defined: -nope");
  // Validation runs on the merged result, after the flags.
  r = Load("blocks_storage: {tsdb: {stripe_size: 100}}\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("stripe_size"));
  r = Load("blocks_storage: {tsdb: {stripe_size: 100}}\n", {"-blocks-storage.tsdb.stripe-size=64"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->config.blocks_storage.tsdb.stripe_size, 64);
  // Overrides are checked after the flags.
  r = Load("overrides: {t: {max_series_per_user: x}}\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("\": overrides.t.max_series_per_user: invalid value \"x\": expected an "
                        "integer (line 1)"));
}

TEST(ConfigTest, UnknownKeys) {
  EXPECT_EQ(YamlError("blocks_storage:\n  tsdb:\n    head_compation_interval: 1m\n"),
            "blocks_storage.tsdb.head_compation_interval: unknown field (line 3)");
  EXPECT_EQ(YamlError("blocks_storag:\n  tsdb: {}\n"), "blocks_storag: unknown field (line 1)");
  EXPECT_EQ(YamlError("ingester:\n  lifecycler: {}\n"),
            "ingester.lifecycler: unknown field (line 2)");
  EXPECT_EQ(YamlError("limits:\n  max_series_per_usr: 1\n"),
            "limits.max_series_per_usr: unknown field (line 2)");
  EXPECT_EQ(YamlError("overrides:\n  t:\n    max_series: 1\n"),
            "overrides.t.max_series: unknown field (line 3)");
  // A key that is a field elsewhere is still unknown here.
  EXPECT_EQ(YamlError("server:\n  dir: x\n"), "server.dir: unknown field (line 2)");
  EXPECT_EQ(YamlError("dir: x\n"), "dir: unknown field (line 1)");
}

TEST(ConfigTest, StructureErrors) {
  EXPECT_EQ(YamlError("server: 5\n"), "server: expected a map, got a scalar (line 1)");
  EXPECT_EQ(YamlError("server:\n  http_listen_port: {a: 1}\n"),
            "server.http_listen_port: expected an integer, got a map (line 2)");
  EXPECT_EQ(YamlError("server:\n  http_listen_port: [1]\n"),
            "server.http_listen_port: expected an integer, got a list (line 2)");
  EXPECT_EQ(YamlError("server:\n  http_listen_port:\n"),
            "server.http_listen_port: expected an integer, got nothing (line 2)");
  EXPECT_EQ(YamlError("blocks_storage: {tsdb: {block_ranges_period: [2h, [1h]]}}\n"),
            "blocks_storage.tsdb.block_ranges_period: expected a duration in the list, got a list "
            "(line 1)");
  EXPECT_EQ(YamlError("just a string\n"),
            "config: expected a map at the top level, got a scalar (line 1)");
  EXPECT_EQ(YamlError("- a\n- b\n"),
            "config: expected a map at the top level, got a list (line 1)");
  EXPECT_EQ(YamlError("overrides: [a]\n"), "overrides: expected a map, got a list (line 1)");
  EXPECT_EQ(YamlError("overrides:\n  t: 5\n"),
            "overrides.t: expected a map, got a scalar (line 2)");
  EXPECT_EQ(YamlError("server:\n  http_listen_port: 1\n  http_listen_port: 2\n"),
            "server.http_listen_port: duplicate key (line 3)");
  EXPECT_EQ(YamlError("overrides:\n  t: {}\n  t: {}\n"), "overrides.t: duplicate key (line 3)");
  EXPECT_EQ(YamlError("overrides:\noverrides: {t: {}}\n"), "overrides: duplicate key (line 2)");
  EXPECT_EQ(YamlError("server: {log_level: info}\nauth_enabled: true\nserver: {}\n"),
            "server: duplicate key (line 3)");
  EXPECT_EQ(YamlError("? [a]\n: 1\n"), "config: map keys must be strings (line 1)");
  EXPECT_THAT(YamlError("server: {http_listen_port: 1\n"), HasSubstr("invalid YAML: "));
  EXPECT_THAT(YamlError("a: b: c\n"), HasSubstr("invalid YAML: yaml-cpp: error at line 1"));
}

TEST(ConfigTest, BadValues) {
  EXPECT_EQ(YamlError("server: {http_listen_port: abc}\n"),
            "server.http_listen_port: invalid value \"abc\": expected an integer (line 1)");
  EXPECT_EQ(YamlError("auth_enabled: yes\n"),
            "auth_enabled: invalid value \"yes\": expected a boolean (true or false) (line 1)");
  EXPECT_EQ(YamlError("limits:\n  ingestion_rate: fast\n"),
            "limits.ingestion_rate: invalid value \"fast\": expected a number (line 2)");
  EXPECT_EQ(YamlError("blocks_storage: {tsdb: {retention_period: 6hours}}\n"),
            "blocks_storage.tsdb.retention_period: invalid value \"6hours\": expected a duration "
            "such as \"90s\", \"1h30m\", \"2d\" or \"1h0m0s\" (line 1)");
  EXPECT_THAT(YamlError("blocks_storage: {tsdb: {block_ranges_period: [2h, x]}}\n"),
              HasSubstr("blocks_storage.tsdb.block_ranges_period: invalid value \"x\""));
}

TEST(ConfigTest, InvalidCombinations) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"blocks_storage: {tsdb: {head_compaction_interval: 31m}}",
       "blocks_storage.tsdb.head_compaction_interval (-blocks-storage.tsdb.head-compaction-"
       "interval): must be greater than 0 and at most 30m, got 31m"},
      {"blocks_storage: {tsdb: {head_compaction_interval: 0}}",
       "blocks_storage.tsdb.head_compaction_interval (-blocks-storage.tsdb.head-compaction-"
       "interval): must be greater than 0 and at most 30m, got 0s"},
      {"blocks_storage: {tsdb: {stripe_size: 100}}",
       "blocks_storage.tsdb.stripe_size (-blocks-storage.tsdb.stripe-size): must be a power of "
       "two from 2 to 1048576, got 100"},
      {"blocks_storage: {tsdb: {stripe_size: 1}}",
       "blocks_storage.tsdb.stripe_size (-blocks-storage.tsdb.stripe-size): must be a power of "
       "two from 2 to 1048576, got 1"},
      {"blocks_storage: {tsdb: {out_of_order_cap_max: 0}}",
       "blocks_storage.tsdb.out_of_order_cap_max (-blocks-storage.tsdb.out-of-order-cap-max): "
       "must be 1 to 255, got 0"},
      {"blocks_storage: {tsdb: {out_of_order_cap_max: 256}}",
       "blocks_storage.tsdb.out_of_order_cap_max (-blocks-storage.tsdb.out-of-order-cap-max): "
       "must be 1 to 255, got 256"},
      {"blocks_storage: {tsdb: {wal_compression_type: zstd}}",
       "blocks_storage.tsdb.wal_compression_type (-blocks-storage.tsdb.wal-compression-type): "
       "must be snappy or empty (zstd is not supported), got \"zstd\""},
      {"blocks_storage: {tsdb: {wal_segment_size_bytes: 1000}}",
       "blocks_storage.tsdb.wal_segment_size_bytes (-blocks-storage.tsdb.wal-segment-size-bytes): "
       "must be a positive multiple of 32768, got 1000"},
      {"blocks_storage: {tsdb: {block_ranges_period: []}}",
       "blocks_storage.tsdb.block_ranges_period (-blocks-storage.tsdb.block-ranges-period): must "
       "not be empty, got "},
      {"blocks_storage: {tsdb: {block_ranges_period: [2h, 0]}}",
       "blocks_storage.tsdb.block_ranges_period (-blocks-storage.tsdb.block-ranges-period): every "
       "range must be positive, got 2h,0s"},
      {"blocks_storage: {tsdb: {ship_concurrency: 0}}",
       "blocks_storage.tsdb.ship_concurrency (-blocks-storage.tsdb.ship-concurrency): must be "
       "positive while shipping is on, got 0"},
      {"blocks_storage: {tsdb: {head_compaction_concurrency: 0}}",
       "blocks_storage.tsdb.head_compaction_concurrency (-blocks-storage.tsdb.head-compaction-"
       "concurrency): must be positive, got 0"},
      {"blocks_storage: {tsdb: {max_tsdb_opening_concurrency_on_startup: -1}}",
       "blocks_storage.tsdb.max_tsdb_opening_concurrency_on_startup (-blocks-storage.tsdb.max-"
       "tsdb-opening-concurrency-on-startup): must be positive, got -1"},
      {"blocks_storage: {tsdb: {retention_period: -1h}}",
       "blocks_storage.tsdb.retention_period (-blocks-storage.tsdb.retention-period): must not be "
       "negative, got -1h"},
      {"blocks_storage: {backend: s3}",
       "blocks_storage.backend (-blocks-storage.backend): only filesystem is supported, got "
       "\"s3\""},
      {"blocks_storage: {tsdb: {dir: ''}}",
       "blocks_storage.tsdb.dir (-blocks-storage.tsdb.dir): must not be empty, got \"\""},
      {"target: everything",
       "target (-target): must list roles among all, distributor, ingester, querier, got "
       "\"everything\""},
      {"server: {http_listen_port: 70000}",
       "server.http_listen_port (-server.http-listen-port): must be 0 to 65535, got 70000"},
      {"server: {log_level: loud}",
       "server.log_level (-log.level): must be debug, info, warn or error, got \"loud\""},
      {"server: {http_server_read_timeout: -1s}",
       "server.http_server_read_timeout (-server.http-read-timeout): must not be negative, got "
       "-1s"},
      {"distributor: {max_recv_msg_size: 0}",
       "distributor.max_recv_msg_size (-distributor.max-recv-msg-size): must be positive, got 0"},
      {"ingester: {active_series_metrics_update_period: 0}",
       "ingester.active_series_metrics_update_period (-ingester.active-series-metrics-update-"
       "period): must be positive while active series metrics are enabled, got 0s"},
      {"querier: {timeout: 0}", "querier.timeout (-querier.timeout): must be positive, got 0s"},
      {"querier: {range_query_parts: -1}",
       "querier.range_query_parts (-querier.range-query-parts): must be between 0 and 1024, got -1"},
      {"limits: {max_series_per_user: -1}",
       "limits.max_series_per_user (-ingester.max-series-per-user): must not be negative, got -1"},
      {"limits: {ingestion_rate: -0.5}",
       "limits.ingestion_rate (-distributor.ingestion-rate-limit): must not be negative, got "
       "-0.5"},
      {"overrides: {t: {out_of_order_time_window: -1m}}",
       "overrides.t.out_of_order_time_window: must not be negative, got -1m"},
      {"overrides: {'a/b': {}}",
       "overrides: invalid tenant ID \"a/b\": expected 1 to 150 letters, digits or !-_.*'() "
       "characters, and not \".\" or \"..\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_EQ(YamlError(c.yaml), c.message);
  }
  // What the rules still allow.
  for (const char* ok : {"blocks_storage: {tsdb: {head_compaction_interval: 30m}}",
                         "blocks_storage: {tsdb: {ship_interval: 0, ship_concurrency: 0}}",
                         "blocks_storage: {tsdb: {close_idle_tsdb_timeout: -1m}}",
                         "blocks_storage: {tsdb: {stripe_size: 2, out_of_order_cap_max: 1}}",
                         "ingester: {active_series_metrics_enabled: false, "
                         "active_series_metrics_update_period: 0}",
                         "target: all,distributor", "server: {http_listen_port: 65535}"}) {
    SCOPED_TRACE(ok);
    EXPECT_TRUE(ConfigFromYaml(ok).ok()) << ConfigFromYaml(ok).status();
  }
}

TEST(ConfigTest, ToYamlOfDefaults) {
  const std::string yaml = ToYaml(Config{});
  EXPECT_THAT(yaml, ::testing::StartsWith("target: all\nauth_enabled: false\nserver:\n"
                                          "  http_listen_address: 0.0.0.0\n"
                                          "  http_listen_port: 9009\n"));
  EXPECT_THAT(yaml, HasSubstr("\nblocks_storage:\n  backend: filesystem\n  filesystem:\n"
                              "    dir: ./data/blocks\n  tsdb:\n    dir: ./data/tsdb\n"
                              "    block_ranges_period:\n      - 2h\n    retention_period: 6h\n"));
  EXPECT_THAT(yaml, HasSubstr("    wal_compression_type: \"\"\n"));
  EXPECT_THAT(yaml, HasSubstr("\nlimits:\n  ingestion_rate: 25000\n"));
  EXPECT_THAT(yaml, HasSubstr("  reject_old_samples_max_age: 2w\n"));
  EXPECT_THAT(yaml, HasSubstr("  out_of_order_time_window: 0s\n"));
  EXPECT_THAT(yaml, ::testing::Not(HasSubstr("overrides")));
  absl::StatusOr<Config> back = ConfigFromYaml(yaml);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << yaml;
  EXPECT_TRUE(*back == Config{});
}

// Regression (fuzz/config_fuzz.cc): a NUL inside a value came out of yaml-cpp as the lone byte
// 0xA0, so the config loaded but ToYaml printed invalid UTF-8. Control characters are refused.
TEST(ConfigTest, ControlCharactersAreRefused) {
  const std::string nul("server:\n  http_listen_address: 2max_label\0_namper_s  ", 52);
  absl::StatusOr<Config> c = ConfigFromYaml(nul);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "invalid YAML: control character 0x00 at offset 41 is not allowed");
  EXPECT_FALSE(ConfigFromYaml("target: all\x7f\n").ok());
  EXPECT_FALSE(ConfigFromYaml("target: a\x1bll\n").ok());
  // Tabs, CR and LF are fine.
  EXPECT_TRUE(ConfigFromYaml("target:\tall\r\n").ok());
}

TEST(ConfigTest, ToYamlRoundTrip) {
  absl::StatusOr<Config> c = ConfigFromYaml(std::string(kEveryKey) + R"(
overrides:
  tenant-a:
    max_series_per_user: 5
    ingestion_rate: 0.1
  "123": {}
  "true":
    enforce_metric_name: true
  t.1_x:
    max_series_per_metric: 1
)");
  ASSERT_TRUE(c.ok()) << c.status();
  c->blocks_storage.filesystem.dir = "/path with spaces/#not a comment: really";
  c->server.http_listen_address = "";
  c->blocks_storage.tsdb.dir = "0755";
  c->overrides["tenant-b"] = c->limits;
  c->overrides["tenant-b"].ingestion_rate = 1.0 / 3;
  const std::string yaml = ToYaml(*c);
  // Tenants list only what differs from the defaults.
  EXPECT_THAT(yaml,
              HasSubstr("overrides:\n  \"123\": {}\n  t.1_x:\n    max_series_per_metric: 1\n"));
  EXPECT_THAT(yaml, HasSubstr("\n  \"true\":\n    enforce_metric_name: true\n"));
  EXPECT_THAT(yaml, HasSubstr("  http_listen_address: \"\"\n"));
  EXPECT_THAT(yaml, HasSubstr("    dir: \"0755\"\n"));
  EXPECT_THAT(yaml,
              HasSubstr("  tenant-a:\n    ingestion_rate: 0.1\n    max_series_per_user: 5\n"));
  absl::StatusOr<Config> back = ConfigFromYaml(yaml);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << yaml;
  EXPECT_TRUE(*back == *c) << yaml << "\n----\n" << ToYaml(*back);
  EXPECT_EQ(ToYaml(*back), yaml);
  EXPECT_EQ(back->overrides.at("tenant-a").ingestion_rate, 0.1);
  EXPECT_EQ(back->overrides.at("tenant-b").ingestion_rate, 1.0 / 3);
}

TEST(ConfigTest, EqualityNoticesEveryField) {
  const Config defaults;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto&) {
    Config changed;
    VisitConfigFields(changed, [&](const FieldInfo& other, auto& value) {
      if (other.path() != info.path()) return;
      using T = std::decay_t<decltype(value)>;
      if constexpr (std::is_same_v<T, bool>) {
        value = !value;
      } else if constexpr (std::is_same_v<T, std::string>) {
        value += "x";
      } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
        value.push_back(1);
      } else {
        value += 1;
      }
    });
    EXPECT_FALSE(changed == defaults) << info.path();
  });
  Config with_override;
  with_override.overrides["t"] = with_override.limits;
  EXPECT_FALSE(with_override == defaults);
  Config other_override = with_override;
  other_override.overrides["t"].max_series_per_metric = 1;
  EXPECT_FALSE(with_override == other_override);
}

}  // namespace
}  // namespace strata::server
