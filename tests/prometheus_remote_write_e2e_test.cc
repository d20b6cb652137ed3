// A real remote-write client: Debian's Prometheus 2.42 scrapes Strata's /metrics and its own,
// and remote-writes what it scraped to Strata (tenant "fake", auth off). Strata must ingest it
// without refusing a sample, its /metrics must be scrapeable (up == 1), and every series Strata
// stored must hold exactly the samples Prometheus stored in its own TSDB, in order, from the
// first up to the last one Strata received (samples still queued in Prometheus when it stops
// may not have been sent). Everything listens on loopback only.
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <climits>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_util.h"
#include "tsdb/promtool_test_util.h"
#include "util/testing.h"

namespace strata::e2e {
namespace {

constexpr char kPrometheus[] = "/usr/bin/prometheus";

// A promtool dump as series text → its "value timestamp" lines, in order.
std::map<std::string, std::vector<std::string>> BySeries(const std::string& dump) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(dump);
  for (std::string line; std::getline(in, line);) {
    const size_t ts = line.rfind(' ');
    const size_t value = ts == std::string::npos || ts == 0 ? ts : line.rfind(' ', ts - 1);
    if (value == std::string::npos || value == 0) continue;
    out[line.substr(0, value)].push_back(line.substr(value + 1));
  }
  return out;
}

// The sum over every series of `name` in a /metrics page (any labels).
double SumOf(const std::string& page, const std::string& name) {
  double sum = 0;
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) == 0 || line.rfind(name + " ", 0) == 0) {
      sum += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
    }
  }
  return sum;
}

class PrometheusRemoteWriteE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPrometheus)) GTEST_SKIP() << kPrometheus << " is not installed";
  }

  // Writes prometheus.yml: 1 s scrapes of Strata and of Prometheus itself, remote write to
  // Strata with short batching so samples leave within a second.
  std::string WriteConfig(int strata_port, int prom_port) {
    const std::string path = dir_.Join("prometheus.yml");
    std::ofstream(path) << "global:\n"
                        << "  scrape_interval: 1s\n"
                        << "  evaluation_interval: 1s\n"
                        << "scrape_configs:\n"
                        << "  - job_name: strata\n"
                        << "    static_configs: [{targets: ['127.0.0.1:" << strata_port << "']}]\n"
                        << "  - job_name: prometheus\n"
                        << "    static_configs: [{targets: ['127.0.0.1:" << prom_port << "']}]\n"
                        << "remote_write:\n"
                        << "  - url: http://127.0.0.1:" << strata_port << "/api/v1/push\n"
                        << "    queue_config:\n"
                        << "      batch_send_deadline: 1s\n"
                        << "      min_backoff: 100ms\n"
                        << "      max_backoff: 1s\n";
    return path;
  }
  std::string PromLog() {
    std::ifstream in(dir_.Join("prometheus.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // The fewest `up` samples Strata holds for one of the two scrape jobs (0 while a job has none).
  static int FewestUpSamples(const StrataServer& strata) {
    const HttpResult r = strata.Get(
        "/prometheus/api/v1/query?query=" +
        strata::testing::UrlEncode("sum by (job) (count_over_time(up[10m]))"));
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (r.status != 200 || j.is_discarded() || j["data"]["result"].size() != 2) return 0;
    int fewest = INT32_MAX;
    for (const auto& series : j["data"]["result"]) {
      fewest = std::min(fewest, std::stoi(series["value"][1].get<std::string>()));
    }
    return fewest;
  }

  strata::testing::TempDir dir_;
};

TEST_F(PrometheusRemoteWriteE2ETest, ScrapedSamplesArriveExactly) {
  StrataServer strata(dir_.Join("strata"));
  ASSERT_TRUE(strata.Start()) << strata.Log();
  const int prom_port = FreePort();
  const std::string config = WriteConfig(strata.port(), prom_port);
  Process prometheus(kPrometheus,
                     {"--config.file=" + config, "--storage.tsdb.path=" + dir_.Join("prom"),
                      "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                     dir_.Join("prometheus.log"));

  // Several scrape rounds of both targets have arrived (Strata holds a few hundred series, four
  // samples each on average, and at least three `up` samples of each target: the two targets'
  // samples travel in different batches, so a count over all series alone can be met while one
  // target's samples are still queued in Prometheus), and Prometheus saw no failed sample.
  std::string prom_metrics;
  ASSERT_TRUE(WaitFor(
      [&] {
        prom_metrics = HttpCall(prom_port, "GET", "/metrics").body;
        const int64_t series = strata.NumSeries("fake");
        return SumOf(prom_metrics, "prometheus_remote_storage_samples_total") > 0 && series > 100 &&
               strata.Metric("cortex_ingester_ingested_samples_total") >= 4.0 * series &&
               FewestUpSamples(strata) >= 3;
      },
      std::chrono::seconds(90)))
      << PromLog() << strata.Log();
  EXPECT_EQ(SumOf(prom_metrics, "prometheus_remote_storage_samples_failed_total"), 0);
  EXPECT_EQ(SumOf(prom_metrics, "prometheus_remote_storage_samples_dropped_total"), 0);
  EXPECT_EQ(prometheus.Stop(SIGTERM), 0) << PromLog();
  // Nothing Prometheus sent was refused.
  EXPECT_THAT(strata.Get("/metrics").body,
              ::testing::Not(::testing::HasSubstr("cortex_discarded_samples_total{")));

  if (!tsdb::testing::HavePromtool()) GTEST_SKIP() << "promtool is not installed";
  ASSERT_EQ(strata.Get("/ingester/flush?wait=true").status, 204) << strata.Log();
  int rc = 0;
  const std::string got =
      tsdb::testing::PromtoolDumpBlocks(strata.bucket_dir() + "/fake", dir_.Join("dump"), &rc);
  ASSERT_EQ(rc, 0) << got;
  std::string want;
  rc = tsdb::testing::RunCommand("/usr/bin/promtool tsdb dump " + dir_.Join("prom"), &want);
  ASSERT_EQ(rc, 0) << want;
  const auto got_series = BySeries(got);
  const auto want_series = BySeries(want);

  // Both targets were up in every scrape Strata received.
  for (const auto& [port, job] :
       {std::pair{strata.port(), "strata"}, std::pair{prom_port, "prometheus"}}) {
    const std::string up = R"({__name__="up", instance="127.0.0.1:)" + std::to_string(port) +
                           R"(", job=")" + job + R"("})";
    auto it = got_series.find(up);
    ASSERT_NE(it, got_series.end()) << up << "\n" << got;
    EXPECT_GE(it->second.size(), 2u) << up;
    for (const std::string& sample : it->second) {
      EXPECT_THAT(sample, ::testing::StartsWith("1 ")) << up;
    }
    std::cout << up << ": " << it->second.size() << " samples in Strata, "
              << want_series.at(up).size() << " in Prometheus\n";
  }
  // Every series Strata stored holds what Prometheus stored, from the start, in order.
  EXPECT_GT(got_series.size(), 100u);
  for (const auto& [series, samples] : got_series) {
    auto it = want_series.find(series);
    ASSERT_NE(it, want_series.end()) << series;
    ASSERT_GE(it->second.size(), samples.size()) << series;
    EXPECT_EQ(samples,
              std::vector<std::string>(it->second.begin(), it->second.begin() + samples.size()))
        << series;
  }
  EXPECT_EQ(strata.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace strata::e2e
