// Test fixture of the query API tests: an HttpServer on 127.0.0.1:0 with the query routes over
// a fake IngesterService that keeps each tenant's series in a promql::MemoryStorage, and a raw
// HTTP client (test_util.h). Header-only, because non-test .cc files of this directory belong
// to the library.
//
// Tenant "team-a" holds the same series as the Prometheus 2.42 server whose responses the tests
// expect (captured from it, see query_api_test.cc); "team-b" holds its own, which team-a must
// never see.
#ifndef STRATA_API_QUERY_API_TEST_FIXTURE_H_
#define STRATA_API_QUERY_API_TEST_FIXTURE_H_

#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "api/http_server.h"
#include "api/query_api.h"
#include "api/test_util.h"
#include "gtest/gtest.h"
#include "ingester/ingester_service.h"
#include "promql/engine.h"
#include "promql/memory_storage.h"
#include "util/clock.h"
#include "util/strings.h"
#include "util/testing.h"

namespace strata::api::testing {

// Serves each tenant's reads from its own MemoryStorage and records every Querier call.
class FakeIngester final : public ingester::IngesterService {
 public:
  struct Call {
    std::string tenant;
    int64_t mint, maxt;
  };

  ingester::PushResult Push(const std::string&, std::span<const ingester::PushSeries>) override {
    return {};
  }

  std::unique_ptr<storage::Querier> Querier(const std::string& tenant, int64_t mint,
                                            int64_t maxt) override {
    absl::MutexLock lock(&mu_);
    calls_.push_back({tenant, mint, maxt});
    if (on_querier_) on_querier_();
    auto it = data_.find(tenant);
    return it == data_.end() ? empty_.Querier(mint, maxt) : it->second.Querier(mint, maxt);
  }

  // REQUIRES: no request in flight.
  void Add(const std::string& tenant, const labels::Labels& l, int64_t t, double v) {
    absl::MutexLock lock(&mu_);
    ASSERT_TRUE(data_[tenant].Append(l, t, v).ok());
  }
  // Runs at each Querier call (under the fake's lock).
  void OnQuerier(std::function<void()> f) {
    absl::MutexLock lock(&mu_);
    on_querier_ = std::move(f);
  }
  std::vector<Call> TakeCalls() {
    absl::MutexLock lock(&mu_);
    return std::exchange(calls_, {});
  }

 private:
  absl::Mutex mu_;
  std::map<std::string, promql::MemoryStorage> data_ ABSL_GUARDED_BY(mu_);
  promql::MemoryStorage empty_;
  std::function<void()> on_querier_ ABSL_GUARDED_BY(mu_);
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
};

using Params = std::vector<std::pair<std::string_view, std::string_view>>;

// "a=1&b=x%20y".
inline std::string FormEncode(const Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    StrAppend(&out, out.empty() ? "" : "&", strata::testing::UrlEncode(k), "=", strata::testing::UrlEncode(v));
  }
  return out;
}

// "/api/v1/query?query=up&time=1".
inline std::string Target(std::string_view path, const Params& params) {
  return params.empty() ? std::string(path) : StrCat(path, "?", FormEncode(params));
}

class QueryApiFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kNowMs = 1700000020000;
  static constexpr std::string_view kTenantA = "team-a";

  void SetUp() override {
    LoadPrometheusTestData("team-a");
    ingester_.Add("team-b",
                  labels::Labels{{"__name__", "up"}, {"job", "secret"}, {"instance", "s:9"}},
                  1700000000000, 7);
    ingester_.Add("team-b", labels::Labels{{"__name__", "only_b"}, {"x", "y"}}, 1700000000000, 1);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Stop();
  }

  // The series of the reference Prometheus server, under `tenant`.
  void LoadPrometheusTestData(const std::string& tenant) {
    for (auto [job, instance, last] : {std::tuple{"api", "a:1", 0.0}, {"db", "b:2", 1.0}}) {
      labels::Labels l{{"__name__", "up"}, {"job", job}, {"instance", instance}};
      ingester_.Add(tenant, l, 1700000000000, 1);
      ingester_.Add(tenant, l, 1700000015500, 1);
      ingester_.Add(tenant, l, 1700000030001, last);
    }
    const double inf = std::numeric_limits<double>::infinity();
    for (auto [kind, v] : std::initializer_list<std::pair<std::string_view, double>>{
             {"big", 1e21},
             {"small", 1e-7},
             {"mid", 1.2345678e-6},
             {"nan", std::nan("")},
             {"inf", inf},
             {"ninf", -inf},
             {"neg", -0.25},
             {"huge", std::numeric_limits<double>::max()},
             {"tiny", 5e-324},
             {"e20", 123456789012345678901.0}}) {
      ingester_.Add(tenant, labels::Labels{{"__name__", "weird"}, {"kind", kind}}, 1700000000000,
                    v);
    }
    ingester_.Add(tenant,
                  labels::Labels{{"__name__", "esc"},
                                 {"v", "<a&b>"},
                                 {"q", "say \"hi\"\\"},
                                 {"nl", "x\ny"},
                                 {"u", "é☃\u2028"}},
                  1700000000000, 3);
  }

  void StartServer(bool auth_enabled = true) {
    promql::EngineOptions opts;
    opts.clock = &engine_clock_;
    // Range queries split as far as they go: the API must answer the same, and the ingester's
    // series are read from several threads (run under TSan).
    opts.range_query_parts = 3;
    opts.min_steps_per_part = 1;
    engine_ = std::make_unique<promql::Engine>(opts);
    server_ = std::make_unique<HttpServer>(HttpServerOptions{});
    QueryApiDeps deps;
    deps.ingester = &ingester_;
    deps.engine = engine_.get();
    deps.auth_enabled = auth_enabled;
    deps.clock = &clock_;
    deps.build_info.revision = "abc123";
    deps.build_info.branch = "main";
    deps.build_info.build_user = "ci@example";
    deps.build_info.build_date = "20240101-00:00:00";
    deps.build_info.go_version = "gcc 12";
    RegisterQueryApi(*server_, deps);
    absl::StatusOr<int> port = server_->Start("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }

  ParsedResponse RoundTrip(const std::string& request) {
    absl::StatusOr<TestConnection> conn = TestConnection::Connect(port_);
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (!conn.ok()) return {};
    absl::StatusOr<ParsedResponse> resp = conn->RoundTrip(request);
    EXPECT_TRUE(resp.ok()) << resp.status();
    return resp.ok() ? *std::move(resp) : ParsedResponse{};
  }

  static std::string OrgHeader(std::string_view tenant) {
    return tenant.empty() ? "" : StrCat("X-Scope-OrgID: ", tenant, "\r\n");
  }

  ParsedResponse Get(std::string_view path, const Params& params = {},
                     std::string_view tenant = kTenantA) {
    return RoundTrip(GetRequest(Target(path, params), OrgHeader(tenant)));
  }

  // A form-encoded POST; `query_params` go into the URL.
  ParsedResponse PostForm(std::string_view path, const Params& form,
                          const Params& query_params = {}, std::string_view tenant = kTenantA) {
    return RoundTrip(PostRequest(Target(path, query_params), "application/x-www-form-urlencoded",
                                 FormEncode(form), OrgHeader(tenant)));
  }

  ParsedResponse Method(std::string_view method, std::string_view target,
                        std::string_view extra_headers = "") {
    return RoundTrip(StrCat(method, " ", target, " HTTP/1.1\r\nHost: localhost\r\n",
                            OrgHeader(kTenantA), extra_headers, "Content-Length: 0\r\n\r\n"));
  }

  FakeClock clock_{kNowMs};
  FakeClock engine_clock_{0};
  FakeIngester ingester_;
  std::unique_ptr<promql::Engine> engine_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

}  // namespace strata::api::testing

#endif  // STRATA_API_QUERY_API_TEST_FIXTURE_H_
