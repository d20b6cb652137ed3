#include "api/router.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "metrics/registry.h"

namespace strata::api {
namespace {

HttpHandler Answer(std::string body) {
  return [body](const HttpRequest&) { return TextResponse(200, body); };
}

std::string Route(const Router& router, std::string path) {
  HttpRequest req;
  req.path = std::move(path);
  HttpResponse resp = router.Serve(req);
  return resp.status == 200 ? resp.body : std::to_string(resp.status);
}

TEST(RouterTest, ExactBeforeLongestPrefix) {
  Router router;
  router.Handle("/api/v1/labels", Answer("labels"));
  router.HandlePrefix("/api/v1/", Answer("v1"));
  router.HandlePrefix("/api/v1/label/", Answer("label values"));
  router.Handle("/api/v1/label/", Answer("exact label"));

  EXPECT_EQ(Route(router, "/api/v1/labels"), "labels");
  EXPECT_EQ(Route(router, "/api/v1/label/job/values"), "label values");
  EXPECT_EQ(Route(router, "/api/v1/label/"), "exact label");
  EXPECT_EQ(Route(router, "/api/v1/query"), "v1");
  EXPECT_EQ(Route(router, "/api/v1"), "404");
  EXPECT_EQ(Route(router, "/api/v1/labels/x"), "v1");
  EXPECT_EQ(Route(router, "/"), "404");
  EXPECT_EQ(router.Find("/nope"), nullptr);
}

TEST(RouterTest, RouteNamesAreCortexs) {
  EXPECT_EQ(Router::RouteName("/api/v1/push"), "api_v1_push");
  EXPECT_EQ(Router::RouteName("/prometheus/api/v1/query_range"), "prometheus_api_v1_query_range");
  EXPECT_EQ(Router::RouteName("/ingester/all_user_stats"), "ingester_all_user_stats");
  EXPECT_EQ(Router::RouteName("/"), "root");
}

TEST(RouterTest, TimesRequestsByMethodRouteAndStatus) {
  metrics::Registry registry;
  auto durations = registry.NewHistogramFamily("cortex_request_duration_seconds", "h",
                                               {"method", "route", "status_code", "ws"}, {1});
  ASSERT_TRUE(durations.ok());
  Router router;
  router.Handle("/api/v1/push", Answer("ok"));
  router.HandlePrefix("/api/v1/label/", Answer("values"));
  router.Instrument(*durations);
  HttpRequest req;
  req.method = "POST";
  req.path = "/api/v1/push";
  router.Serve(req);
  router.Serve(req);
  req.method = "GET";
  req.path = "/api/v1/label/job/values";
  router.Serve(req);
  req.method = "BREW";  // client input: neither the method nor the path becomes a label value
  req.path = "/random/scanner/path";
  router.Serve(req);
  const std::string page = registry.TextExposition();
  using ::testing::HasSubstr;
  EXPECT_THAT(page, HasSubstr(R"(cortex_request_duration_seconds_count{method="POST",route="api_v1_push",status_code="200",ws="false"} 2)"));
  EXPECT_THAT(page, HasSubstr(R"(cortex_request_duration_seconds_count{method="GET",route="api_v1_label_name_values",status_code="200",ws="false"} 1)"));
  EXPECT_THAT(page, HasSubstr(R"(cortex_request_duration_seconds_count{method="other",route="notfound",status_code="404",ws="false"} 1)"));
}

}  // namespace
}  // namespace strata::api
