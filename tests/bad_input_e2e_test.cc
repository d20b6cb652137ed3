// Bad input never crashes Strata or corrupts anything, end to end with the real binary: garbage
// and hostile bodies, invalid series, hostile tenant ids, a rate-limited tenant, a tenant flooding
// new series, slow-loris connections and queries that would load too many samples are answered
// with Cortex's (or Prometheus's) status codes and messages, create no tenant directory (nothing escapes the data
// dir), and leave another tenant that pushes at the same time unaffected: every one of its
// samples arrives. Afterwards the server is still ready.
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e_util.h"
#include "tsdb/promtool_test_util.h"
#include "util/testing.h"

namespace strata::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::UnorderedElementsAreArray;

constexpr int kMaxRecvMsgSize = 64 * 1024;
constexpr int kGoodSeries = 5;

prompb::TimeSeries Series(std::vector<prompb::Label> labels, std::vector<prompb::Sample> samples) {
  prompb::TimeSeries ts;
  ts.labels = std::move(labels);
  ts.samples = std::move(samples);
  return ts;
}

prompb::WriteRequest Request(std::vector<prompb::TimeSeries> series) {
  prompb::WriteRequest req;
  req.timeseries = std::move(series);
  return req;
}

std::string Compress(const std::string& raw) {
  std::string out;
  prompb::CompressSnappy(raw, &out);
  return out;
}

// The names of the entries directly in `dir` (empty if it does not exist).
std::set<std::string> Entries(const std::string& dir) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.insert(e.path().filename().string());
  return out;
}

// The cortex_discarded_samples_total lines of `tenant` in a /metrics page.
std::string DiscardedLines(const std::string& page, const std::string& tenant) {
  std::string out;
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("cortex_discarded_samples_total{", 0) == 0 &&
        line.find("user=\"" + tenant + "\"}") != std::string::npos) {
      out += line + "\n";
    }
  }
  return out;
}

// Go's RFC3339Nano of a whole-second-plus-500ms timestamp, e.g. "2024-01-02T03:04:05.5Z".
std::string Rfc3339HalfSecond(int64_t ms) {
  const time_t secs = ms / 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return std::string(buf) + ".5Z";
}

// Tenant "good" pushes kGoodSeries series, one sample each, over and over from its own thread
// until Finish(); every push must succeed.
class GoodTenantPusher {
 public:
  explicit GoodTenantPusher(const StrataServer& server) : server_(server) {
    thread_ = std::thread([this] { Run(); });
  }
  ~GoodTenantPusher() { Finish(); }

  // Waits (bounded) until `n` more pushes have completed after this call.
  bool WaitForMorePushes(int n) {
    const int target = pushes() + n;
    return WaitFor([&] { return pushes() >= target; });
  }
  void Finish() {
    {
      std::lock_guard l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  int pushes() {
    std::lock_guard l(mu_);
    return pushes_;
  }
  std::vector<HttpResult> failures() {
    std::lock_guard l(mu_);
    return failures_;
  }

 private:
  void Run() {
    const int64_t base = NowMs() - 60 * 60 * 1000;
    for (int i = 0;; i++) {
      prompb::WriteRequest req;
      for (int s = 0; s < kGoodSeries; s++) {
        req.timeseries.push_back(Series({{"__name__", "good_metric"}, {"s", std::to_string(s)}},
                                        {{static_cast<double>(i), base + i * 1000}}));
      }
      HttpResult r = server_.Push(req, "good");
      std::unique_lock l(mu_);
      pushes_++;
      if (r.status != 200) failures_.push_back(r);
      // Paces the pusher so it shares the CPUs with the requests under test; Finish() wakes it.
      if (cv_.wait_for(l, std::chrono::milliseconds(10), [&] { return stop_; })) return;
    }
  }

  const StrataServer& server_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  int pushes_ = 0;
  std::vector<HttpResult> failures_;
  std::thread thread_;
};

class BadInputE2ETest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "-auth.enabled=true",
        "-distributor.max-recv-msg-size=" + std::to_string(kMaxRecvMsgSize),
    };
    args.insert(args.end(), extra.begin(), extra.end());
    ASSERT_TRUE(server_.Start(args)) << server_.Log();
    pusher_ = std::make_unique<GoodTenantPusher>(server_);
    ASSERT_TRUE(pusher_->WaitForMorePushes(1)) << server_.Log();
  }

  // The good tenant kept pushing through the test and lost nothing; the server is healthy; the
  // tenant dirs are exactly `accepted` plus "good", and nothing else appeared in or next to the
  // data dir.
  void ExpectUnharmed(std::vector<std::string> accepted) {
    ASSERT_TRUE(pusher_->WaitForMorePushes(2)) << server_.Log();
    pusher_->Finish();
    for (const HttpResult& f : pusher_->failures()) {
      ADD_FAILURE() << "good tenant push failed: " << f.status << " " << f.body;
    }
    const double samples = static_cast<double>(pusher_->pushes()) * kGoodSeries;
    EXPECT_EQ(server_.Metric("cortex_distributor_received_samples_total{user=\"good\"}"), samples);
    EXPECT_EQ(server_.NumSeries("good"), kGoodSeries);
    EXPECT_EQ(DiscardedLines(server_.Get("/metrics").body, "good"), "");
    EXPECT_EQ(server_.Get("/ready").status, 200);
    accepted.push_back("good");
    EXPECT_THAT(Entries(server_.tsdb_dir()), UnorderedElementsAreArray(accepted));
    EXPECT_THAT(Entries(dir_.path()), ::testing::IsSubsetOf({"tsdb", "bucket", "strata.log"}));
    EXPECT_FALSE(fs::exists(fs::path(dir_.path()).parent_path() / escape_name_));
  }

  strata::testing::TempDir dir_;
  StrataServer server_{dir_.path()};
  std::unique_ptr<GoodTenantPusher> pusher_;
  const std::string escape_name_ = "strata-e2e-escape-" + std::to_string(::getpid());
};

TEST_F(BadInputE2ETest, BadBodiesAre400Or413AndCreateNoTenant) {
  ASSERT_NO_FATAL_FAILURE(Start());
  struct Case {
    std::string name;
    std::string body;
    int status;
    std::string message;
  };
  // A snappy header claiming 0xFFFFFFFF bytes, then junk.
  const std::string huge_header = std::string("\xff\xff\xff\xff\x0f", 5) + "junkjunkjunk";
  // A header declaring 1000 bytes in a 14-byte body: no snappy block expands that much.
  const std::string impossible = std::string("\xe8\x07", 2) + "junkjunkjunk";
  // A valid request whose body is small but decompresses past the limit.
  prompb::WriteRequest big;
  for (int i = 0; i < 2000; i++) {
    big.timeseries.push_back(Series({{"__name__", "m"}, {"i", std::to_string(i)}}, {{1, NowMs()}}));
  }
  std::string big_raw;
  prompb::EncodeWriteRequest(big, &big_raw);
  ASSERT_GT(big_raw.size(), static_cast<size_t>(kMaxRecvMsgSize));
  const std::string big_body = Compress(big_raw);
  ASSERT_LT(big_body.size(), static_cast<size_t>(kMaxRecvMsgSize));
  const std::string bad_header =
      "snappy: invalid block header (the body must be one snappy block, not the framing "
      "format)\n";
  const std::vector<Case> cases = {
      {"empty", "", 400, bad_header},
      {"garbage-varint", std::string(8, '\xff'), 400, bad_header},
      {"huge-header", huge_header, 400,
       "snappy: decompressed size 4294967295 exceeds the limit of 65536 bytes\n"},
      {"impossible-ratio", impossible, 400,
       "snappy: declared size 1000 is impossible for 14 compressed bytes\n"},
      {"corrupt-snappy", "\x05" + std::string("\xff\xff\xff\xff\xff", 5), 400,
       "snappy: corrupt block\n"},
      {"decompresses-over-limit", big_body, 400,
       "snappy: decompressed size " + std::to_string(big_raw.size()) +
           " exceeds the limit of 65536 bytes\n"},
      {"body-over-limit", std::string(kMaxRecvMsgSize + 1, 'x'), 413,
       "request body too large: Content-Length 65537 exceeds the limit of 65536 bytes\n"},
      {"not-protobuf", Compress(std::string("\x0a\xff\xff\xff\xff\x0f", 6)), 400,
       "length 4294967295 of field 1 exceeds the 0 bytes left in its message (offset 0)\n"},
      {"field-zero", Compress(std::string("\x00\x00", 2)), 400,
       "invalid field number 0 (offset 0)\n"},
  };
  for (const Case& c : cases) {
    HttpResult r = server_.PushBody(c.body, "tenant-" + c.name);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_EQ(r.body, c.message) << c.name;
  }
  // Not HTTP at all, or lying about its length: the server answers 4xx or hangs up, and stays up.
  for (const std::string& raw : {
           std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS hello
           std::string("POST /api/v1/push HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
           std::string(
               "POST /api/v1/push HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"),
           std::string("POST /api/v1/push HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort"),
           std::string("GET /\x01\x02 HTTP/9.9\r\n\r\n"),
       }) {
    std::string resp = RawCall(server_.port(), raw);
    EXPECT_TRUE(resp.empty() || resp.rfind("HTTP/1.1 4", 0) == 0) << resp;
  }
  ExpectUnharmed({});
}

TEST_F(BadInputE2ETest, InvalidSeriesAre400WithCortexMessagesAndCreateNoTenant) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const int64_t now = NowMs();
  const std::string long_value(2049, 'x');
  struct Case {
    std::string name;
    std::vector<prompb::Label> labels;
    std::string message;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"dup",
       {{"__name__", "m"}, {"job", "a"}, {"job", "b"}},
       R"(duplicate label name: "job" metric "m{job=\"a\", job=\"b\"}")",
       "duplicate_label_names"},
      {"badname",
       {{"__name__", "1bad"}},
       R"(sample invalid metric name: "1bad")",
       "metric_name_invalid"},
      {"noname", {{"job", "a"}}, "sample missing metric name", "missing_metric_name"},
      {"badlabel",
       {{"__name__", "m"}, {"bad-label", "x"}},
       R"(sample invalid label: "bad-label" metric "m{bad-label=\"x\"}")",
       "label_invalid"},
      {"longvalue",
       {{"__name__", "m"}, {"v", long_value}},
       // %.200q: each string is cut to 200 characters before quoting.
       R"(label value too long for metric (actual: 2049, limit: 2048) metric: "m{v=\")" +
           std::string(195, 'x') + R"(" label name: "v" label value: ")" + std::string(200, 'x') +
           "\"",
       "label_value_too_long"},
  };
  for (const Case& c : cases) {
    HttpResult r =
        server_.Push(Request({Series(c.labels, {{1, now}, {2, now + 1}})}), "tenant-" + c.name);
    EXPECT_EQ(r.status, 400) << c.name;
    EXPECT_EQ(r.body, c.message + "\n") << c.name;
    EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"" + c.reason +
                             "\",user=\"tenant-" + c.name + "\"}"),
              2)
        << c.name;
  }
  // A series with no labels at all rejects the whole request, the valid series with it.
  HttpResult r = server_.Push(
      Request({Series({{"__name__", "ok"}}, {{1, now}}), Series({}, {{1, now}})}), "tenant-empty");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "empty labels found\n");
  EXPECT_EQ(server_.NumSeries("tenant-empty"), -1);
  ExpectUnharmed({});
}

TEST_F(BadInputE2ETest, PartialFailureReturnsFirstErrorAndIngestsTheValidSeries) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const int64_t now = NowMs();
  HttpResult r =
      server_.Push(Request({Series({{"__name__", "valid"}, {"a", "1"}}, {{1, now}, {2, now + 1}}),
                            Series({{"__name__", "m"}, {"bad-label", "x"}}, {{3, now}}),
                            Series({{"__name__", "1bad"}}, {{4, now}}),
                            Series({{"__name__", "valid"}, {"a", "2"}}, {{5, now}})}),
                   "partial");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "sample invalid label: \"bad-label\" metric \"m{bad-label=\\\"x\\\"}\"\n");
  EXPECT_EQ(server_.NumSeries("partial"), 2);
  EXPECT_EQ(server_.Metric("cortex_distributor_received_samples_total{user=\"partial\"}"), 3);
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"label_invalid\","
                           "user=\"partial\"}"),
            1);
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"metric_name_invalid\","
                           "user=\"partial\"}"),
            1);
  ExpectUnharmed({"partial"});
}

// Samples the TSDB rejects (out of order, duplicate, over the series limit) make a partial
// failure too: 400 with the first error, in Cortex's "user=<id>: err: ..." form, the rest stored.
TEST_F(BadInputE2ETest, TsdbRejectionsArePartialFailures) {
  ASSERT_NO_FATAL_FAILURE(Start({"-ingester.max-series-per-user=10"}));
  const int64_t t0 = NowMs() / 1000 * 1000;
  ASSERT_EQ(server_.Push(Request({Series({{"__name__", "a"}}, {{1, t0}})}), "tsdb").status, 200);
  HttpResult r = server_.Push(Request({Series({{"__name__", "a"}}, {{2, t0 - 1500}}),
                                       Series({{"__name__", "b"}}, {{3, t0}})}),
                              "tsdb");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "user=tsdb: err: out of order sample. timestamp=" +
                        Rfc3339HalfSecond(t0 - 1500) + ", series={__name__=\"a\"}\n");
  r = server_.Push(Request({Series({{"__name__", "a"}}, {{9, t0}})}), "tsdb");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "user=tsdb: err: duplicate sample for timestamp. series={__name__=\"a\"}\n");
  // 2 series exist; of 9 more, the first 8 fit under the limit of 10.
  prompb::WriteRequest many;
  for (int i = 0; i < 9; i++) {
    many.timeseries.push_back(Series({{"__name__", "c"}, {"i", std::to_string(i)}}, {{1, t0}}));
  }
  r = server_.Push(many, "tsdb");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            "user=tsdb: per-user series limit of 10 exceeded, please contact administrator to "
            "raise it (local limit: 10 global limit: 0 actual local limit: 10)\n");
  EXPECT_EQ(server_.NumSeries("tsdb"), 10);
  EXPECT_EQ(server_.Metric("cortex_distributor_received_samples_total{user=\"tsdb\"}"), 10);
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"sample-out-of-order\","
                           "user=\"tsdb\"}"),
            1);
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"new-value-for-timestamp\","
                           "user=\"tsdb\"}"),
            1);
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"per_user_series_limit\","
                           "user=\"tsdb\"}"),
            1);
  ExpectUnharmed({"tsdb"});
}

// Unsorted labels (Cortex sorts them), NaN and the staleness marker are valid: they are stored,
// exactly, as the real promtool reads the flushed blocks.
TEST_F(BadInputE2ETest, UnsortedLabelsNaNAndStaleMarkersAreStored) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const int64_t now = NowMs();
  const double stale = [] {
    const uint64_t bits = 0x7ff0000000000002ull;  // Prometheus's StaleNaN
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  HttpResult r = server_.Push(
      Request({Series({{"zone", "z"}, {"job", "j"}, {"__name__", "unsorted"}}, {{1.5, now}}),
               Series({{"__name__", "nan_metric"}},
                      {{nan, now}, {stale, now + 1000}, {2, now + 2000}})}),
      "valid");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_.NumSeries("valid"), 2);
  ASSERT_EQ(server_.Get("/ingester/flush?tenant=valid&wait=true").status, 204);
  if (tsdb::testing::HavePromtool()) {
    strata::testing::TempDir scratch;
    int rc = 0;
    std::string dump = tsdb::testing::PromtoolDumpBlocks(server_.bucket_dir() + "/valid",
                                                         scratch.Join("dump"), &rc);
    ASSERT_EQ(rc, 0) << dump;
    // promtool prints NaN and the staleness marker alike.
    EXPECT_EQ(dump,
              tsdb::testing::ExpectedDump(
                  {{R"({__name__="nan_metric"})", {{now, nan}, {now + 1000, nan}, {now + 2000, 2}}},
                   {R"({__name__="unsorted", job="j", zone="z"})", {{now, 1.5}}}}));
  }
  ExpectUnharmed({"valid"});
}

TEST_F(BadInputE2ETest, HostileTenantIdsAreRejectedAndCreateNothing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const prompb::WriteRequest req = Request({Series({{"__name__", "m"}}, {{1, NowMs()}})});
  const std::string long_id(1024, 'a');
  struct Case {
    std::string tenant;
    int status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"../x", 400, "tenant ID '../x' contains unsupported character '/'"},
      {"../" + escape_name_, 400,
       "tenant ID '../" + escape_name_ + "' contains unsupported character '/'"},
      {".", 400, "tenant ID is '.' or '..'"},
      {"..", 400, "tenant ID is '.' or '..'"},
      {"a/b", 400, "tenant ID 'a/b' contains unsupported character '/'"},
      {"/etc", 400, "tenant ID '/etc' contains unsupported character '/'"},
      {"a\\b", 400, "tenant ID 'a\\b' contains unsupported character '\\'"},
      {long_id, 400, "tenant ID is too long: max 150 characters"},
      {"__markers__", 400, "tenant ID '__markers__' is not allowed"},
      {"", 401, "no org id"},  // "" sends no X-Scope-OrgID header
  };
  for (const Case& c : cases) {
    HttpResult r = server_.Push(req, c.tenant);
    EXPECT_EQ(r.status, c.status) << c.tenant;
    EXPECT_EQ(r.body, c.message + "\n") << c.tenant;
  }
  // An empty header is no header (Go's Header.Get cannot tell them apart).
  std::map<std::string, std::string> headers = PushHeaders();
  headers["X-Scope-OrgID"] = "";
  HttpResult r = HttpCall(server_.port(), "POST", "/api/v1/push", EncodePush(req), headers);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "no org id\n");
  ExpectUnharmed({});
}

TEST_F(BadInputE2ETest, RateLimitedTenantGets429WhileOthersAreFine) {
  // Every tenant gets 1 sample/s with a burst of 20, except "good" (the concurrent pusher),
  // which a per-tenant override lets through. 1/s keeps the test deterministic: a bucket refills
  // one token per second, far slower than the requests below follow each other.
  strata::testing::TempDir config_dir;
  const std::string config = config_dir.Join("strata.yaml");
  std::ofstream(config) << "overrides:\n  good:\n    ingestion_rate: 1000000\n"
                           "    ingestion_burst_size: 1000000\n";
  ASSERT_NO_FATAL_FAILURE(Start({"-config.file=" + config, "-distributor.ingestion-rate-limit=1",
                                 "-distributor.ingestion-burst-size=20"}));
  const int64_t now = NowMs();
  auto push = [&](const std::string& tenant, int n, int64_t from) {
    std::vector<prompb::Sample> s;
    for (int i = 0; i < n; i++) s.push_back({static_cast<double>(i), from + i});
    return server_.Push(Request({Series({{"__name__", "m"}}, s)}), tenant);
  };
  HttpResult r = push("limited", 20, now);
  ASSERT_EQ(r.status, 200) << r.body;
  r = push("limited", 10, now + 100);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, "ingestion rate limit (1) exceeded while adding 10 samples and 0 metadata\n");
  // More than the burst can never pass.
  r = push("limited", 21, now + 200);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, "ingestion rate limit (1) exceeded while adding 21 samples and 0 metadata\n");
  // Another tenant under the same limits has its own bucket.
  r = push("other", 20, now);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"rate_limited\","
                           "user=\"limited\"}"),
            31);
  EXPECT_EQ(server_.Metric("cortex_distributor_received_samples_total{user=\"limited\"}"), 20);
  EXPECT_EQ(server_.Metric("cortex_distributor_received_samples_total{user=\"other\"}"), 20);
  ExpectUnharmed({"limited", "other"});
}

// A tenant creating series without end (a label with a request id in it, say) stops at its
// series limit with Cortex's 400, keeps exactly the limit, and the good tenant is unaffected.
TEST_F(BadInputE2ETest, SeriesFloodStopsAtTheTenantsLimitWhileOthersAreFine) {
  constexpr int kLimit = 20000, kPerRequest = 2000, kRequests = 50;
  ASSERT_NO_FATAL_FAILURE(Start({"-ingester.max-series-per-user=" + std::to_string(kLimit),
                                 "-distributor.max-recv-msg-size=10485760",
                                 "-distributor.ingestion-rate-limit=100000000",
                                 "-distributor.ingestion-burst-size=100000000"}));
  const int64_t now = NowMs();
  int refused = 0;
  for (int r = 0; r < kRequests; r++) {
    prompb::WriteRequest req;
    for (int i = 0; i < kPerRequest; i++) {
      req.timeseries.push_back(Series(
          {{"__name__", "flood"}, {"request_id", std::to_string(r * kPerRequest + i)}}, {{1, now}}));
    }
    HttpResult res = server_.Push(req, "flood");
    if (res.status == 200) continue;
    refused++;
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(res.body, "user=flood: per-user series limit of 20000 exceeded, please contact "
                        "administrator to "
                        "raise it (local limit: 20000 global limit: 0 actual local limit: 20000)\n");
  }
  EXPECT_EQ(refused, kRequests - kLimit / kPerRequest);
  EXPECT_EQ(server_.NumSeries("flood"), kLimit);
  EXPECT_EQ(server_.Metric("cortex_discarded_samples_total{reason=\"per_user_series_limit\","
                           "user=\"flood\"}"),
            kRequests * kPerRequest - kLimit);
  ExpectUnharmed({"flood"});
}

// Clients that trickle their headers (slow loris) hold no worker: they are cut off after the read
// timeout, and every request of the good tenant meanwhile is served.
TEST_F(BadInputE2ETest, SlowLorisConnectionsAreCutOffWhileOthersAreServed) {
  ASSERT_NO_FATAL_FAILURE(Start({"-server.http-read-timeout=2s"}));
  constexpr int kConnections = 64;
  std::vector<int> fds;
  for (int i = 0; i < kConnections; i++) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server_.port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    const std::string start = "POST /api/v1/push HTTP/1.1\r\nX-Scope-OrgID: loris\r\nX-Slow: ";
    ASSERT_EQ(::send(fd, start.data(), start.size(), MSG_NOSIGNAL), static_cast<ssize_t>(start.size()));
    fds.push_back(fd);
  }
  // One more header byte per connection every 100 ms until the server hangs up on all of them.
  const int pushes_before = pusher_->pushes();
  size_t open = fds.size();
  ASSERT_TRUE(WaitFor(
      [&] {
        open = 0;
        for (int& fd : fds) {
          if (fd < 0) continue;
          if (::send(fd, "x", 1, MSG_NOSIGNAL) == 1) {
            char buf[256];
            const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
              ::close(fd);
              fd = -1;
              continue;
            }
            open++;
          } else {
            ::close(fd);
            fd = -1;
          }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return open == 0;
      },
      std::chrono::seconds(30)))
      << open << " slow connections still open";
  EXPECT_GT(pusher_->pushes(), pushes_before) << "the good tenant was starved";
  EXPECT_EQ(server_.NumSeries("loris"), -1);
  ExpectUnharmed({});
}

// A query that would load more samples than -querier.max-samples is refused with Prometheus's
// 422 and message, many at once, while the good tenant keeps pushing and other queries answer.
TEST_F(BadInputE2ETest, QueryOfDeathIsRefusedWhileOthersAreServed) {
  ASSERT_NO_FATAL_FAILURE(Start({"-querier.max-samples=5000"}));
  const int64_t now = NowMs();
  for (int s = 0; s < 100; s++) {
    std::vector<prompb::Sample> samples;
    for (int i = 0; i < 100; i++) samples.push_back({double(i), now - (100 - i) * 1000});
    ASSERT_EQ(server_.Push(Request({Series({{"__name__", "heavy"}, {"s", std::to_string(s)}}, samples)}),
                           "heavy")
                  .status,
              200);
  }
  auto query = [&](const std::string& tenant, const std::string& q) {
    return HttpCall(server_.port(), "GET",
                    "/prometheus/api/v1/query?query=" + strata::testing::UrlEncode(q) +
                        "&time=" + std::to_string(now / 1000),
                    "", PushHeaders(tenant));
  };
  std::vector<std::jthread> killers;
  std::atomic<int> refused{0};
  for (int k = 0; k < 8; k++) {
    killers.emplace_back([&] {
      for (int i = 0; i < 5; i++) {
        HttpResult r = query("heavy", "heavy[5m]");  // 10,000 samples in the result
        EXPECT_EQ(r.status, 422) << r.body;
        EXPECT_THAT(r.body, ::testing::HasSubstr("query processing would load too many samples "
                                                 "into memory in query execution"));
        refused += r.status == 422;
      }
    });
  }
  killers.clear();
  EXPECT_EQ(refused, 40);
  // A query within the limit answers, for this tenant and for the good one.
  HttpResult small = query("heavy", "count(heavy)");
  EXPECT_EQ(small.status, 200) << small.body;
  EXPECT_THAT(small.body, ::testing::HasSubstr(R"("value":[)"));
  EXPECT_THAT(small.body, ::testing::HasSubstr(R"("100"])"));
  EXPECT_EQ(query("good", "count(good_metric)").status, 200);
  ExpectUnharmed({"heavy"});
}

}  // namespace
}  // namespace strata::e2e
