#include "api/router.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace strata::api
