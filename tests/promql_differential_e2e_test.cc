// PromQL, differentially: the same remote-write request (one set of bytes, from our own encoder)
// goes to the real strata binary and to Debian's Prometheus 2.42, then every query of the corpus
// (tests/testdata/promql_differential/queries.txt) runs as instant queries at a few times and as
// range queries through both HTTP APIs. The answers must agree: status, HTTP code and errorType;
// resultType; the series (labels exactly); timestamps exactly and values within a relative 1e-9
// (NaN equals NaN, ±Inf exactly). Prometheus is the reference. The test prints
// "promql differential: N/M queries agree" and every mismatch, and fails on any.
#include <atomic>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"
#include "tests/e2e_util.h"
#include "tests/promql_differential_util.h"
#include "util/testing.h"

namespace strata::e2e {
namespace {

using differential::Answer;

constexpr char kPrometheus[] = "/usr/bin/prometheus";
constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;

// One query run: an instant query at `time_ms`, or a range query when `step_ms` > 0.
struct Evaluation {
  size_t query = 0;  // index into the corpus
  int64_t time_ms = 0, start_ms = 0, end_ms = 0, step_ms = 0;
  // The API's other spellings: times in RFC 3339, the step as a duration ("45s").
  bool other_format = false;

  std::string Time(int64_t ms) const {
    if (!other_format) return differential::ApiTime(ms);
    const time_t secs = static_cast<time_t>(ms / 1000);
    tm utc{};
    gmtime_r(&secs, &utc);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    return strata::testing::UrlEncode(std::string(buf) + "." +
                                   std::to_string(ms % 1000 + 1000).substr(1) + "Z");
  }
  std::string Target(const std::string& base, const std::string& query) const {
    const std::string q = "query=" + strata::testing::UrlEncode(query);
    if (step_ms == 0) return base + "/query?" + q + "&time=" + Time(time_ms);
    return base + "/query_range?" + q + "&start=" + Time(start_ms) + "&end=" + Time(end_ms) +
           "&step=" +
           (other_format ? std::to_string(step_ms / 1000) + "s" : differential::ApiTime(step_ms));
  }
  std::string Describe(int64_t t0) const {
    auto rel = [t0](int64_t t) {
      const int64_t d = t - t0;
      return "t0" + std::string(d < 0 ? "-" : "+") + differential::ApiTime(d < 0 ? -d : d) + "s";
    };
    if (step_ms == 0) return "instant at " + rel(time_ms);
    return "range " + rel(start_ms) + " .. " + rel(end_ms) + " step " +
           differential::ApiTime(step_ms) + "s";
  }
};

// One GET on a fresh connection, read to the end (HttpCall does not undo chunked encoding, and
// RawCall's half-close makes Prometheus cancel the query).
std::string Get(int port, const std::string& target) {
  return Exchange(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                  /*half_close=*/false);
}

Answer Query(int port, const std::string& target) {
  const std::string response = Get(port, target);
  const std::optional<std::string> body = differential::HttpBody(response);
  if (response.size() < 12 || !body) return differential::ParseAnswer(0, response);
  return differential::ParseAnswer(std::atoi(response.substr(9, 3).c_str()), *body);
}

// The comparison itself must be able to fail.
TEST(PromqlDifferentialCompareTest, FindsDifferences) {
  auto vec = [](const std::string& labels, const std::string& v) {
    return differential::ParseAnswer(
        200, R"({"status":"success","data":{"resultType":"vector","result":[{"metric":)" + labels +
                 R"(,"value":[1700000000.5,")" + v + R"("]}]}})");
  };
  const std::string l = R"({"__name__":"up","job":"a"})";
  EXPECT_FALSE(differential::Compare(vec(l, "1"), vec(l, "1"), false));
  EXPECT_FALSE(differential::Compare(vec(l, "NaN"), vec(l, "NaN"), false));
  EXPECT_FALSE(differential::Compare(vec(l, "1e20"), vec(l, "1.0000000000000001e20"), false));
  EXPECT_TRUE(differential::Compare(vec(l, "1"), vec(l, "1.000001"), false));
  EXPECT_TRUE(differential::Compare(vec(l, "NaN"), vec(l, "0"), false));
  EXPECT_TRUE(differential::Compare(vec(l, "+Inf"), vec(l, "-Inf"), false));
  EXPECT_TRUE(differential::Compare(vec(l, "0"), vec(l, "-1e-300"), false));
  EXPECT_TRUE(differential::Compare(vec(l, "1"), vec(R"({"job":"a"})", "1"), false));
  const Answer err = differential::ParseAnswer(
      422, R"({"status":"error","errorType":"execution","error":"boom"})");
  EXPECT_TRUE(differential::Compare(vec(l, "1"), err, false));
  EXPECT_FALSE(differential::Compare(err, err, false));
  const Answer bad_data =
      differential::ParseAnswer(400, R"({"status":"error","errorType":"bad_data","error":"boom"})");
  EXPECT_TRUE(differential::Compare(err, bad_data, false));
  const Answer empty = differential::ParseAnswer(
      200, R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  EXPECT_TRUE(differential::Compare(vec(l, "1"), empty, false));
  EXPECT_TRUE(differential::Compare(empty, vec(l, "1"), false));
  EXPECT_TRUE(differential::Compare(empty, differential::ParseAnswer(200, "oops"), false));
}

class PromqlDifferentialE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPrometheus)) GTEST_SKIP() << kPrometheus << " is not installed";
  }
  std::string PromLog() {
    std::ifstream in(dir_.Join("prometheus.log"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  strata::testing::TempDir dir_;
};

TEST_F(PromqlDifferentialE2ETest, StrataAnswersLikePrometheus) {
  const auto started = std::chrono::steady_clock::now();
  // STRATA_PROMQL_DIFF_CORPUS=<file> runs another corpus (e.g. generated queries) instead.
  const char* corpus_env = std::getenv("STRATA_PROMQL_DIFF_CORPUS");
  std::vector<differential::CorpusQuery> corpus = differential::ReadCorpus(
      corpus_env != nullptr
          ? std::string(corpus_env)
          : std::string(STRATA_SOURCE_DIR) + "/tests/testdata/promql_differential/queries.txt");
  ASSERT_GE(corpus.size(), corpus_env != nullptr ? 1u : 200u);

  // Prometheus: no scrapes, only the remote-write receiver.
  const int prom_port = FreePort();
  const std::string config = dir_.Join("prometheus.yml");
  std::ofstream(config) << "global:\n  scrape_interval: 1m\n"
                        << "storage:\n  tsdb:\n    out_of_order_time_window: 3h\n";
  Process prometheus(kPrometheus,
                     {"--config.file=" + config, "--storage.tsdb.path=" + dir_.Join("prom"),
                      "--web.listen-address=127.0.0.1:" + std::to_string(prom_port),
                      "--web.enable-remote-write-receiver", "--log.level=warn"},
                     dir_.Join("prometheus.log"));
  StrataServer strata(dir_.Join("strata"));
  ASSERT_TRUE(strata.Start({"-ingester.out-of-order-time-window=3h"})) << strata.Log();
  ASSERT_TRUE(WaitFor([&] { return HttpCall(prom_port, "GET", "/-/ready").status == 200; }))
      << PromLog();

  // Data over the two hours before the last full hour: recent enough for Prometheus's head.
  const int64_t t0 = NowMs() / kHourMs * kHourMs - 2 * kHourMs;
  const int64_t end = t0 + differential::kSpanMs;
  const differential::DataSet data = differential::MakeDataSet(t0);
  for (auto& q : corpus) q.query = differential::ExpandTimes(q.query, t0);
  const std::string body = EncodePush(data.request);
  const HttpResult prom_push = HttpCall(prom_port, "POST", "/api/v1/write", body, PushHeaders());
  ASSERT_EQ(prom_push.status, 204) << prom_push.body << PromLog();
  const HttpResult strata_push = strata.PushBody(body);
  ASSERT_EQ(strata_push.status, 200) << strata_push.body << strata.Log();
  const std::string late_body = EncodePush(data.late);
  const HttpResult prom_late =
      HttpCall(prom_port, "POST", "/api/v1/write", late_body, PushHeaders());
  ASSERT_EQ(prom_late.status, 204) << prom_late.body << PromLog();
  const HttpResult strata_late = strata.PushBody(late_body);
  ASSERT_EQ(strata_late.status, 200) << strata_late.body << strata.Log();

  // Both hold every sample (a range selector does not return staleness markers).
  const Evaluation all_samples{0, end + kMinuteMs};
  for (int port : {prom_port, strata.port()}) {
    const std::string base = port == prom_port ? "/api/v1" : "/prometheus/api/v1";
    const Answer a = Query(port, all_samples.Target(base, R"({__name__=~".+"}[3h])"));
    ASSERT_EQ(a.result_type, "matrix") << a.raw.substr(0, 1000);
    int64_t points = 0;
    for (const auto& s : a.series) points += static_cast<int64_t>(s.points.size());
    EXPECT_EQ(a.series.size(), data.request.timeseries.size() + 1);  // + late_metric
    EXPECT_EQ(points, data.samples - data.stale_markers)
        << (port == prom_port ? "prometheus" : "strata");
  }

  // Instant queries early (windows still filling), just after a series went stale (the time in
  // RFC 3339), at the last sample and in the lookback after it; range queries over everything
  // by the minute, over the staleness transitions with an odd step, and off the sample grid
  // with the step as a duration.
  std::vector<Evaluation> evals;
  for (size_t q = 0; q < corpus.size(); ++q) {
    evals.push_back({q, t0 + 2 * kMinuteMs});
    evals.push_back({q, t0 + 61 * kMinuteMs + 7'500, 0, 0, 0, /*other_format=*/true});
    evals.push_back({q, end});
    evals.push_back({q, end + 4 * kMinuteMs});
    if (corpus[q].instant_only) continue;
    evals.push_back({q, 0, t0 - 3 * kMinuteMs, end + 6 * kMinuteMs, kMinuteMs});
    evals.push_back({q, 0, t0 + 55 * kMinuteMs, t0 + 70 * kMinuteMs, 7'000});
    evals.push_back({q, 0, t0 + 30 * kMinuteMs + 500, end - 1'000, 45'000, true});
  }
  struct Outcome {
    std::optional<std::string> difference;
    std::string inexact;
    Answer want, got;
  };
  std::vector<Outcome> outcomes(evals.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (size_t i; (i = next++) < evals.size();) {
        const Evaluation& e = evals[i];
        const std::string& query = corpus[e.query].query;
        Outcome& o = outcomes[i];
        o.want = Query(prom_port, e.Target("/api/v1", query));
        o.got = Query(strata.port(), e.Target("/prometheus/api/v1", query));
        o.difference =
            differential::Compare(o.want, o.got, differential::OrderMatters(query), &o.inexact);
      }
    });
  }
  for (auto& w : workers) w.join();

  // Per query: agreement, and whether Prometheus answered anything at all. With
  // STRATA_PROMQL_DIFF_VERBOSE set, every answer of Prometheus is printed too.
  const bool verbose = std::getenv("STRATA_PROMQL_DIFF_VERBOSE") != nullptr;
  std::vector<bool> agrees(corpus.size(), true), has_data(corpus.size(), false);
  size_t errors = 0, inexact = 0;
  for (size_t i = 0; i < evals.size(); ++i) {
    const Outcome& o = outcomes[i];
    const size_t q = evals[i].query;
    if (verbose) {
      std::cout << "QUERY " << corpus[q].query << "\n  " << evals[i].Describe(t0) << ": "
                << differential::AnswerText(o.want, 3) << "\n";
    }
    if (!o.difference && !o.inexact.empty()) {
      // Agreeing within the tolerance (libm's last bits), or failing alike with other words:
      // shown, not failed.
      if (inexact++ < 5 || verbose) {
        std::cout << "NOTE " << corpus[q].query << "\n  " << evals[i].Describe(t0)
                  << ": agrees, but not to the letter: " << o.inexact << "\n";
      }
    }
    if (o.difference) {
      if (agrees[q]) {  // the first difference of each query
        std::cout << "MISMATCH " << corpus[q].query << "\n  " << evals[i].Describe(t0) << ": "
                  << *o.difference << "\n  prometheus: " << differential::AnswerText(o.want)
                  << "\n  strata:     " << differential::AnswerText(o.got) << "\n";
      }
      agrees[q] = false;
    }
    for (const auto& s : o.want.series) has_data[q] = has_data[q] || !s.points.empty();
    if (o.want.status == "error") ++errors;
  }
  const size_t agreeing = std::count(agrees.begin(), agrees.end(), true);
  const size_t with_data = std::count(has_data.begin(), has_data.end(), true);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "promql differential: " << agreeing << "/" << corpus.size() << " queries agree ("
            << evals.size() << " evaluations, " << errors << " of them errors in Prometheus, "
            << inexact << " agreeing only within the tolerance or with other error messages; "
            << with_data << " queries with data; " << seconds << " s)\n";
  EXPECT_EQ(agreeing, corpus.size());
  // A corpus that mostly answers nothing would agree vacuously.
  EXPECT_GE(with_data * 10, corpus.size() * 8);

  // The API's parameters, spelled in other ways or wrong: same answers, same errors.
  const std::string t = differential::ApiTime(t0 + 61 * kMinuteMs);
  const std::string s = differential::ApiTime(t0 + 50 * kMinuteMs);
  const std::string e = differential::ApiTime(t0 + 70 * kMinuteMs);
  const std::string sum = "sum%20by%20(job)%20(rate(http_requests_total%5B5m%5D))";
  const std::vector<std::string> api_cases = {
      "/query?query=up&time=" + t,
      "/query?query=up&time=" + t + "5",  // sub-millisecond
      "/query?query=up&time=" + std::to_string((t0 + 61 * kMinuteMs) / 1000) + "e0",
      "/query?query=up&time=abc",
      "/query?query=up&time=-1",
      "/query?time=" + t,  // no query
      "/query?query=&time=" + t,
      "/query?query=up&time=" + t + "&timeout=abc",
      "/query?query=up&time=" + t + "&timeout=10s",
      "/query?query=" + sum + "&time=" + t + "&query=up",  // the first value counts
      "/query_range?query=" + sum + "&start=" + s + "&end=" + e + "&step=60",
      "/query_range?query=" + sum + "&start=" + s + "&end=" + e + "&step=1m30s",
      "/query_range?query=" + sum + "&start=" + s + "&end=" + e + "&step=0.5",
      "/query_range?query=" + sum + "&start=" + s + "&end=" + s + "&step=60",
      "/query_range?query=up&start=" + s + "&end=" + e + "&step=0",
      "/query_range?query=up&start=" + s + "&end=" + e + "&step=-60",
      "/query_range?query=up&start=" + s + "&end=" + e + "&step=0.1",  // > 11,000 points
      "/query_range?query=up&start=" + e + "&end=" + s + "&step=60",   // end before start
      "/query_range?query=up&start=" + s + "&end=" + e,                // no step
      "/query_range?query=up&start=" + s + "&step=60",                 // no end
      "/query_range?query=up&start=abc&end=" + e + "&step=60",
      "/query_range?query=up&start=" + s + "&end=" + e + "&step=abc",
  };
  size_t api_agreeing = 0;
  for (const std::string& c : api_cases) {
    const Answer want = Query(prom_port, "/api/v1" + c);
    const Answer got = Query(strata.port(), "/prometheus/api/v1" + c);
    std::string inexact_api;
    const auto difference = differential::Compare(want, got, /*ordered=*/false, &inexact_api);
    if (!difference && !inexact_api.empty())
      std::cout << "NOTE " << c << ": " << inexact_api << "\n";
    if (difference) {
      std::cout << "MISMATCH " << c << "\n  " << *difference
                << "\n  prometheus: " << differential::AnswerText(want)
                << "\n  strata:     " << differential::AnswerText(got) << "\n";
    } else {
      ++api_agreeing;
    }
  }
  std::cout << "promql differential: " << api_agreeing << "/" << api_cases.size()
            << " API parameter cases agree\n";
  EXPECT_EQ(api_agreeing, api_cases.size());
  EXPECT_EQ(strata.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace strata::e2e
