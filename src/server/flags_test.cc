#include "server/flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/config_fields.h"

namespace strata::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr int64_t kMinute = 60 * 1000;

// Parses and applies `args` onto the defaults.
absl::StatusOr<Config> FromFlags(std::vector<std::string> args) {
  absl::StatusOr<FlagArgs> parsed = ParseFlagArgs(args);
  if (!parsed.ok()) return parsed.status();
  Config config;
  if (absl::Status st = ApplyFlags(*parsed, &config); !st.ok()) return st;
  return config;
}

std::string ErrorOf(std::vector<std::string> args) {
  absl::StatusOr<Config> c = FromFlags(std::move(args));
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(c.status().message());
}

TEST(FlagsTest, AllSyntaxes) {
  absl::StatusOr<Config> c = FromFlags({
      "-server.http-listen-port=1234",           // -x=v
      "--server.http-listen-address=127.0.0.1",  // --x=v
      "-blocks-storage.tsdb.dir",
      "/tmp/tsdb",  // -x v
      "--target",
      "ingester",       // --x v
      "-auth.enabled",  // bare boolean
      "--blocks-storage.tsdb.flush-blocks-on-shutdown",
      "-ingester.active-series-metrics-enabled=false",
      "-validation.reject-old-samples=true",
  });
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server.http_listen_port, 1234);
  EXPECT_EQ(c->server.http_listen_address, "127.0.0.1");
  EXPECT_EQ(c->blocks_storage.tsdb.dir, "/tmp/tsdb");
  EXPECT_EQ(c->target, "ingester");
  EXPECT_TRUE(c->auth_enabled);
  EXPECT_TRUE(c->blocks_storage.tsdb.flush_blocks_on_shutdown);
  EXPECT_FALSE(c->ingester.active_series_metrics_enabled);
  EXPECT_TRUE(c->limits.reject_old_samples);
}

TEST(FlagsTest, ValuesMayContainEqualsAndDashes) {
  absl::StatusOr<Config> c =
      FromFlags({"-blocks-storage.tsdb.dir=/a=b", "-server.http-listen-address", "-weird"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->blocks_storage.tsdb.dir, "/a=b");
  EXPECT_EQ(c->server.http_listen_address, "-weird");
}

TEST(FlagsTest, EmptyValue) {
  absl::StatusOr<Config> c = FromFlags({"-blocks-storage.tsdb.wal-compression-type=snappy",
                                        "-blocks-storage.tsdb.wal-compression-type="});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->blocks_storage.tsdb.wal_compression_type, "");
}

TEST(FlagsTest, LastOccurrenceWins) {
  absl::StatusOr<Config> c = FromFlags({"-auth.enabled", "-auth.enabled=false",
                                        "-querier.max-samples=5", "--querier.max-samples", "7"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_FALSE(c->auth_enabled);
  EXPECT_EQ(c->querier.max_samples, 7);
}

TEST(FlagsTest, BooleanDoesNotTakeNextArgument) {
  // As in Go: `-auth.enabled false` is a bare flag followed by a positional argument.
  EXPECT_EQ(ErrorOf({"-auth.enabled", "false"}),
            "unexpected argument \"false\": only flags are accepted (see -help)");
}

TEST(FlagsTest, Durations) {
  absl::StatusOr<Config> c = FromFlags({
      "-blocks-storage.tsdb.head-compaction-idle-timeout=90s",
      "-blocks-storage.tsdb.retention-period=1h30m",
      "-validation.reject-old-samples.max-age=2d",
      "-querier.timeout=1m0s",
      "-ingester.out-of-order-time-window=1.5h",
      "-blocks-storage.tsdb.block-ranges-period=2h0m0s,12h",
  });
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->blocks_storage.tsdb.head_compaction_idle_timeout_ms, 90 * 1000);
  EXPECT_EQ(c->blocks_storage.tsdb.retention_period_ms, 90 * kMinute);
  EXPECT_EQ(c->limits.reject_old_samples_max_age_ms, 2 * 24 * 60 * kMinute);
  EXPECT_EQ(c->querier.timeout_ms, kMinute);
  EXPECT_EQ(c->limits.out_of_order_time_window_ms, 90 * kMinute);
  EXPECT_THAT(c->blocks_storage.tsdb.block_ranges_period_ms,
              ElementsAre(120 * kMinute, 720 * kMinute));
  EXPECT_EQ(c->blocks_storage.tsdb.block_range_ms(), 120 * kMinute);
}

TEST(FlagsTest, EveryFlagSetsItsField) {
  // For each flag of the table, a value different from the default must land in that field and
  // nowhere else.
  const Config defaults;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto& def) {
    using T = std::decay_t<decltype(def)>;
    std::string value;
    if constexpr (std::is_same_v<T, bool>) {
      value = def ? "false" : "true";
    } else if constexpr (std::is_same_v<T, std::string>) {
      value = def + "x";
    } else if constexpr (std::is_same_v<T, double>) {
      value = "0.25";
    } else if constexpr (std::is_same_v<T, int64_t>) {
      value = info.kind == Kind::kDuration ? "17s" : "17";
    } else {
      value = "17s,1h";
    }
    SCOPED_TRACE(info.flag);
    absl::StatusOr<Config> c = FromFlags({"-" + std::string(info.flag) + "=" + value});
    ASSERT_TRUE(c.ok()) << c.status();
    int changed = 0;
    bool right_one = false;
    VisitConfigFields(*c, [&](const FieldInfo& other, const auto& got) {
      std::string was;
      VisitConfigFields(defaults, [&](const FieldInfo& d, const auto& dv) {
        if (d.flag == other.flag) was = FormatField(d.kind, dv);
      });
      if (FormatField(other.kind, got) != was) {
        ++changed;
        right_one = other.flag == info.flag && FormatField(other.kind, got) == value;
      }
    });
    EXPECT_EQ(changed, 1);
    EXPECT_TRUE(right_one);
  });
}

TEST(FlagsTest, ConfigFileAndHelp) {
  absl::StatusOr<FlagArgs> a = ParseFlagArgs(std::vector<std::string>{
      "-config.file=/etc/strata.yaml", "-target=all", "--config.file", "/x.yaml"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->config_file, "/x.yaml");
  EXPECT_FALSE(a->help);
  EXPECT_THAT(a->settings, ElementsAre(Pair("target", "all")));

  for (const char* h : {"-h", "-help", "--help", "--h", "-help=true"}) {
    SCOPED_TRACE(h);
    absl::StatusOr<FlagArgs> r =
        ParseFlagArgs(std::vector<std::string>{"-target=all", h, "-unknown-after-help"});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE(r->help);
  }
}

TEST(FlagsTest, Errors) {
  EXPECT_EQ(ErrorOf({"-no-such-flag=1"}), "flag provided but not defined: -no-such-flag");
  EXPECT_EQ(ErrorOf({"--blocks-storage.tsdb.head-compation-interval", "1m"}),
            "flag provided but not defined: -blocks-storage.tsdb.head-compation-interval");
  EXPECT_EQ(ErrorOf({"-target"}), "flag needs an argument: -target");
  EXPECT_EQ(ErrorOf({"-config.file"}), "flag needs an argument: -config.file");
  EXPECT_EQ(ErrorOf({"---target=all"}), "bad flag syntax: ---target=all");
  EXPECT_EQ(ErrorOf({"-=x"}), "bad flag syntax: -=x");
  EXPECT_EQ(ErrorOf({"positional"}),
            "unexpected argument \"positional\": only flags are accepted (see -help)");
  EXPECT_EQ(ErrorOf({"-"}), "unexpected argument \"-\": only flags are accepted (see -help)");
  EXPECT_EQ(ErrorOf({"--", "x"}), "unexpected argument \"x\": only flags are accepted (see -help)");
  EXPECT_TRUE(FromFlags({"-target=all", "--"}).ok());
  EXPECT_EQ(ErrorOf({"-server.http-listen-port=abc"}),
            "-server.http-listen-port: invalid value \"abc\": expected an integer");
  EXPECT_EQ(ErrorOf({"-auth.enabled=yes"}),
            "-auth.enabled: invalid value \"yes\": expected a boolean (true or false)");
  EXPECT_EQ(ErrorOf({"-distributor.ingestion-rate-limit=fast"}),
            "-distributor.ingestion-rate-limit: invalid value \"fast\": expected a number");
  EXPECT_THAT(ErrorOf({"-blocks-storage.tsdb.head-compaction-idle-timeout=1x"}),
              HasSubstr("-blocks-storage.tsdb.head-compaction-idle-timeout: invalid value "
                        "\"1x\": expected a duration"));
  EXPECT_THAT(ErrorOf({"-blocks-storage.tsdb.block-ranges-period=2h,"}),
              HasSubstr("-blocks-storage.tsdb.block-ranges-period: invalid value \"\""));
}

TEST(FlagsTest, HelpListsEveryFlagWithDefault) {
  const std::string help = FlagsHelp();
  EXPECT_THAT(help, ::testing::StartsWith("Usage of strata:\n"));
  const Config defaults;
  int flags = 0;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto& value) {
    ++flags;
    std::string type(KindTypeName(info.kind));
    std::string head = "  -" + std::string(info.flag) + (type.empty() ? "" : " " + type) + "\n";
    std::string def = FormatField(info.kind, value);
    if (info.kind == Kind::kString) def = "\"" + def + "\"";
    std::string line = "    \t" + std::string(info.help) + " (default " + def + ")\n";
    EXPECT_THAT(help, HasSubstr(head + line)) << info.flag;
  });
  EXPECT_GE(flags, 45);
  EXPECT_THAT(help, HasSubstr("  -config.file string\n    \tYAML file to load"));
  EXPECT_THAT(help, HasSubstr("  -help\n    \tPrint this help and exit.\n"));
  // Spot checks of Strata's defaults as the user sees them.
  EXPECT_THAT(help, HasSubstr("(default 9009)"));
  EXPECT_THAT(help, HasSubstr("(default \"./data/tsdb\")"));
  EXPECT_THAT(help, HasSubstr("  -blocks-storage.tsdb.head-compaction-idle-timeout duration\n"));
  EXPECT_THAT(help, HasSubstr("  -auth.enabled\n"));
  // Sorted by flag name.
  EXPECT_LT(help.find("  -auth.enabled"), help.find("  -blocks-storage.backend"));
  EXPECT_LT(help.find("  -validation.reject-old-samples\n"),
            help.find("  -validation.reject-old-samples.max-age"));
}

}  // namespace
}  // namespace strata::server
