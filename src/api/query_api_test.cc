// The query endpoints through a real HttpServer. Expected bodies, status codes and messages were
// captured from a real Prometheus 2.42 server (Debian's 2.42.0+ds) holding the same series as
// tenant team-a (loaded with `promtool tsdb create-blocks-from openmetrics`), queried with curl.
#include <string>

#include "api/query_api_test_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::api {
namespace {

using ::strata::api::testing::FakeIngester;
using ::strata::api::testing::ParsedResponse;
using ::testing::ElementsAre;
using ::testing::Field;

class QueryApiTest : public testing::QueryApiFixture {
 protected:
  void SetUp() override {
    QueryApiFixture::SetUp();
    StartServer();
  }

  // Expects a 200 JSON response with exactly `body`.
  void ExpectOk(const ParsedResponse& r, std::string_view body) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
    EXPECT_EQ(r.body, body);
  }
  void ExpectError(const ParsedResponse& r, int status, std::string_view body) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
    EXPECT_EQ(r.body, body);
  }
};

constexpr std::string_view kUpVector =
    R"({"status":"success","data":{"resultType":"vector","result":[)"
    R"({"metric":{"__name__":"up","instance":"a:1","job":"api"},"value":[1700000020,"1"]},)"
    R"({"metric":{"__name__":"up","instance":"b:2","job":"db"},"value":[1700000020,"1"]}]}})";

constexpr std::string_view kUpMatrix =
    R"({"status":"success","data":{"resultType":"matrix","result":[)"
    R"({"metric":{"__name__":"up","instance":"a:1","job":"api"},)"
    R"("values":[[1700000000,"1"],[1700000015,"1"],[1700000030,"1"]]},)"
    R"({"metric":{"__name__":"up","instance":"b:2","job":"db"},)"
    R"("values":[[1700000000,"1"],[1700000015,"1"],[1700000030,"1"]]}]}})";

TEST_F(QueryApiTest, InstantVectorUnderBothPrefixes) {
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "1700000020"}}), kUpVector);
  ExpectOk(Get("/prometheus/api/v1/query", {{"query", "up"}, {"time", "1700000020"}}), kUpVector);
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "2023-11-14T22:13:40Z"}}), kUpVector);
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "2023-11-14T23:13:40.000+01:00"}}),
           kUpVector);
}

TEST_F(QueryApiTest, SampleValuesInPrometheusFormats) {
  ExpectOk(
      Get("/api/v1/query", {{"query", "weird"}, {"time", "1700000000"}}),
      R"({"status":"success","data":{"resultType":"vector","result":[)"
      R"({"metric":{"__name__":"weird","kind":"big"},"value":[1700000000,"1e+21"]},)"
      R"({"metric":{"__name__":"weird","kind":"e20"},"value":[1700000000,"123456789012345680000"]},)"
      R"({"metric":{"__name__":"weird","kind":"huge"},"value":[1700000000,"1.7976931348623157e+308"]},)"
      R"({"metric":{"__name__":"weird","kind":"inf"},"value":[1700000000,"+Inf"]},)"
      R"({"metric":{"__name__":"weird","kind":"mid"},"value":[1700000000,"0.0000012345678"]},)"
      R"({"metric":{"__name__":"weird","kind":"nan"},"value":[1700000000,"NaN"]},)"
      R"({"metric":{"__name__":"weird","kind":"neg"},"value":[1700000000,"-0.25"]},)"
      R"({"metric":{"__name__":"weird","kind":"ninf"},"value":[1700000000,"-Inf"]},)"
      R"({"metric":{"__name__":"weird","kind":"small"},"value":[1700000000,"1e-07"]},)"
      R"({"metric":{"__name__":"weird","kind":"tiny"},"value":[1700000000,"5e-324"]}]}})");
}

TEST_F(QueryApiTest, LabelValuesEscapedLikeGo) {
  ExpectOk(Get("/api/v1/query", {{"query", "esc"}, {"time", "1700000000"}}),
           R"({"status":"success","data":{"resultType":"vector","result":[{"metric":)"
           R"({"__name__":"esc","nl":"x\ny","q":"say \"hi\"\\","u":"é☃\u2028",)"
           R"("v":"\u003ca\u0026b\u003e"},"value":[1700000000,"3"]}]}})");
}

TEST_F(QueryApiTest, ScalarAndStringResults) {
  ExpectOk(Get("/api/v1/query", {{"query", "1e21"}, {"time", "1700000000.5"}}),
           R"({"status":"success","data":{"resultType":"scalar",)"
           R"("result":[1700000000.5,"1000000000000000000000"]}})");
  ExpectOk(Get("/api/v1/query", {{"query", "1e-7"}, {"time", "1700000000.001"}}),
           R"({"status":"success","data":{"resultType":"scalar",)"
           R"("result":[1700000000.001,"0.0000001"]}})");
  ExpectOk(Get("/api/v1/query", {{"query", "-0"}, {"time", "-1.5"}}),
           R"({"status":"success","data":{"resultType":"scalar","result":[-1.5,"-0"]}})");
  ExpectOk(Get("/api/v1/query", {{"query", R"("a<b>&\u2028")"}, {"time", "1700000000.5"}}),
           R"({"status":"success","data":{"resultType":"string",)"
           R"("result":[1700000000.5,"a\u003cb\u003e\u0026\u2028"]}})");
}

TEST_F(QueryApiTest, InstantQueryOfRangeVector) {
  ExpectOk(Get("/api/v1/query", {{"query", "up[20s]"}, {"time", "1700000031"}}),
           R"({"status":"success","data":{"resultType":"matrix","result":[)"
           R"({"metric":{"__name__":"up","instance":"a:1","job":"api"},)"
           R"("values":[[1700000015.500,"1"],[1700000030.001,"0"]]},)"
           R"({"metric":{"__name__":"up","instance":"b:2","job":"db"},)"
           R"("values":[[1700000015.500,"1"],[1700000030.001,"1"]]}]}})");
}

TEST_F(QueryApiTest, TimeDefaultsToClock) {
  ExpectOk(Get("/api/v1/query", {{"query", "time()"}}),
           R"({"status":"success","data":{"resultType":"scalar",)"
           R"("result":[1700000020,"1700000020"]}})");
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", ""}}), kUpVector);
}

TEST_F(QueryApiTest, EmptyResults) {
  ExpectOk(Get("/api/v1/query", {{"query", "up{job=\"none\"}"}, {"time", "1700000031"}}),
           R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  ExpectOk(Get("/api/v1/query_range", {{"query", "up{job=\"none\"}"},
                                       {"start", "1700000000"},
                                       {"end", "1700000030"},
                                       {"step", "15"}}),
           R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
}

TEST_F(QueryApiTest, RangeQueryParamFormats) {
  ExpectOk(Get("/api/v1/query_range",
               {{"query", "up"}, {"start", "1700000000"}, {"end", "1700000030"}, {"step", "15"}}),
           kUpMatrix);
  ExpectOk(Get("/prometheus/api/v1/query_range", {{"query", "up"},
                                                  {"start", "2023-11-14T22:13:20Z"},
                                                  {"end", "2023-11-14T22:13:50.000Z"},
                                                  {"step", "15s"}}),
           kUpMatrix);
  ExpectOk(Get("/api/v1/query_range",
               {{"query", "up"}, {"start", "1.7e9"}, {"end", "1700000030"}, {"step", "1.5e1"}}),
           kUpMatrix);
  ExpectOk(Get("/api/v1/query_range", {{"query", "time()"},
                                       {"start", "1700000000.5"},
                                       {"end", "1700000001"},
                                       {"step", "0.25"}}),
           R"({"status":"success","data":{"resultType":"matrix","result":[{"metric":{},)"
           R"("values":[[1700000000.500,"1700000000.5"],[1700000000.750,"1700000000.75"],)"
           R"([1700000001,"1700000001"]]}]}})");
}

TEST_F(QueryApiTest, RangeQueryErrors) {
  struct Case {
    std::string_view start, end, step, query, want;
  };
  const Case cases[] = {
      {"foo", "1700000030", "15", "up",
       R"(invalid parameter \"start\": cannot parse \"foo\" to a valid timestamp)"},
      {"", "1700000030", "15", "up",
       R"(invalid parameter \"start\": cannot parse \"\" to a valid timestamp)"},
      {"1700000000", "bar", "15", "up",
       R"(invalid parameter \"end\": cannot parse \"bar\" to a valid timestamp)"},
      {"1700000000", "1600000030", "15", "up",
       R"(invalid parameter \"end\": end timestamp must not be before start time)"},
      {"1700000000", "1700000030", "0", "up",
       R"(invalid parameter \"step\": zero or negative query resolution step widths are not )"
       R"(accepted. Try a positive integer)"},
      {"1700000000", "1700000030", "-1", "up",
       R"(invalid parameter \"step\": zero or negative query resolution step widths are not )"
       R"(accepted. Try a positive integer)"},
      {"0", "0", "NaN", "1",
       R"(invalid parameter \"step\": zero or negative query resolution step widths are not )"
       R"(accepted. Try a positive integer)"},
      {"1700000000", "1700000030", "", "up",
       R"(invalid parameter \"step\": cannot parse \"\" to a valid duration)"},
      {"1700000000", "1700000030", "1x", "up",
       R"(invalid parameter \"step\": cannot parse \"1x\" to a valid duration)"},
      {"0", "0", "1e10", "1",
       R"(invalid parameter \"step\": cannot parse \"1e10\" to a valid duration. It overflows )"
       R"(int64)"},
      {"1600000000", "1700000030", "1", "up",
       "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
       "resolution (?step=XX)"},
      {"0", "11001", "1", "up",
       "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
       "resolution (?step=XX)"},
      {"1700000000", "1700000030", "15", "up[5m]",
       R"(invalid expression type \"range vector\" for range query, must be Scalar or instant )"
       R"(Vector)"},
      {"1700000000", "1700000030", "15", "up{job=\"x\"",
       "1:11: parse error: unexpected end of input inside braces"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    ExpectError(Get("/api/v1/query_range",
                    {{"query", c.query}, {"start", c.start}, {"end", c.end}, {"step", c.step}}),
                400,
                StrCat(R"({"status":"error","errorType":"bad_data","error":")", c.want, "\"}"));
  }
  // Exactly 11,000 steps are fine (and so is 11,000.999: the division truncates).
  ExpectOk(Get("/api/v1/query_range",
               {{"query", "up"}, {"start", "0"}, {"end", "11000"}, {"step", "1"}}),
           R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  ExpectOk(Get("/api/v1/query_range",
               {{"query", "up"}, {"start", "0"}, {"end", "11000.999"}, {"step", "1"}}),
           R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
}

TEST_F(QueryApiTest, InstantQueryErrors) {
  struct Case {
    testing::Params params;
    std::string_view want;
  };
  const Case cases[] = {
      {{{"query", "up"}, {"time", "foo"}},
       R"(invalid parameter \"time\": Invalid time value for 'time': cannot parse \"foo\" to a )"
       R"(valid timestamp)"},
      {{{"query", "up"}, {"time", "1700000031"}, {"timeout", "foo"}},
       R"(invalid parameter \"timeout\": cannot parse \"foo\" to a valid duration)"},
      {{{"query", "up"}, {"timeout", "1ns"}},
       R"(invalid parameter \"timeout\": cannot parse \"1ns\" to a valid duration)"},
      {{{"query", ""}, {"time", "1700000031"}},
       R"(invalid parameter \"query\": 1:1: parse error: no expression found in input)"},
      {{{"time", "1700000031"}},
       R"(invalid parameter \"query\": 1:1: parse error: no expression found in input)"},
      {{{"query", "sum("}},
       R"(invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis)"},
      {{{"query", "up{job=\"none\""}},
       R"(invalid parameter \"query\": 1:14: parse error: unexpected end of input inside )"
       R"(braces)"},
      {{{"query", "rate(up)"}},
       R"(invalid parameter \"query\": 1:6: parse error: expected type range vector in call )"
       R"(to function \"rate\", got instant vector)"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    ExpectError(Get("/api/v1/query", c.params), 400,
                StrCat(R"({"status":"error","errorType":"bad_data","error":")", c.want, "\"}"));
  }
}

TEST_F(QueryApiTest, ExecutionErrorsAre422) {
  ExpectError(Get("/api/v1/query", {{"query", R"(label_replace(up, "1a", "x", "job", ".*"))"},
                                    {"time", "1700000020"}}),
              422,
              R"({"status":"error","errorType":"execution",)"
              R"("error":"invalid destination label name in label_replace(): 1a"})");
  ExpectError(
      Get("/api/v1/query", {{"query", "up / on() up"}, {"time", "1700000020"}}), 422,
      R"({"status":"error","errorType":"execution","error":"found duplicate series for the )"
      R"(match group {} on the right hand-side of the operation: [{__name__=\"up\", )"
      R"(instance=\"b:2\", job=\"db\"}, {__name__=\"up\", instance=\"a:1\", job=\"api\"}];)"
      R"(many-to-many matching not allowed: matching labels must be unique on one side"})");
  ExpectError(Get("/api/v1/query",
                  {{"query", R"(label_replace(vector(1), "a", "$1", "b", "("))"}, {"time", "0"}}),
              422,
              R"({"status":"error","errorType":"execution",)"
              R"("error":"invalid regular expression in label_replace(): ("})");
}

TEST_F(QueryApiTest, TimeoutParameter) {
  // A deadline already passed: Prometheus's context expires before evaluation.
  for (std::string_view timeout : {"0", "-1", "0s"}) {
    SCOPED_TRACE(timeout);
    ExpectError(Get("/api/v1/query", {{"query", "up"}, {"timeout", timeout}}), 503,
                R"({"status":"error","errorType":"timeout",)"
                R"("error":"query timed out in query execution"})");
  }
  // Reading storage takes 10 s of the engine's (fake) time: past a 5 s request timeout, well
  // within the engine's own 2 min.
  ingester_.OnQuerier([this] { engine_clock_.AdvanceMs(10'000); });
  constexpr std::string_view kTimedOut = R"({"status":"error","errorType":"timeout",)"
                                         R"("error":"query timed out in expression evaluation"})";
  ExpectError(Get("/api/v1/query", {{"query", "up"}, {"time", "1700000020"}, {"timeout", "5"}}),
              503, kTimedOut);
  ExpectError(Get("/api/v1/query_range", {{"query", "up"},
                                          {"start", "1700000000"},
                                          {"end", "1700000030"},
                                          {"step", "15"},
                                          {"timeout", "5s"}}),
              503, kTimedOut);
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "1700000020"}, {"timeout", "1m"}}),
           kUpVector);
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "1700000020"}}), kUpVector);
}

TEST_F(QueryApiTest, PostFormParameters) {
  ExpectOk(PostForm("/api/v1/query", {{"query", "up"}, {"time", "1700000020"}}), kUpVector);
  // Body values win over the query string's, as in Go's Request.FormValue.
  ExpectOk(PostForm("/api/v1/query", {{"query", "up"}},
                    {{"query", "up{job=\"api\"}"}, {"time", "1700000020"}}),
           kUpVector);
  ExpectOk(
      PostForm("/prometheus/api/v1/query_range",
               {{"query", "up"}, {"start", "1700000000"}, {"end", "1700000030"}, {"step", "15"}}),
      kUpMatrix);
}

TEST_F(QueryApiTest, QueryReadsOnlyItsTenant) {
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "1700000000"}}, "team-b"),
           R"({"status":"success","data":{"resultType":"vector","result":[)"
           R"({"metric":{"__name__":"up","instance":"s:9","job":"secret"},)"
           R"("value":[1700000000,"7"]}]}})");
  ExpectOk(Get("/api/v1/query", {{"query", "only_b"}, {"time", "1700000000"}}),
           R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  ExpectOk(Get("/api/v1/query", {{"query", "up"}, {"time", "1700000000"}}, "team-c"),
           R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  std::vector<FakeIngester::Call> calls = ingester_.TakeCalls();
  EXPECT_THAT(calls, ElementsAre(Field(&FakeIngester::Call::tenant, "team-b"),
                                 Field(&FakeIngester::Call::tenant, "team-a"),
                                 Field(&FakeIngester::Call::tenant, "team-c")));
}

TEST_F(QueryApiTest, MissingTenantIsRefused) {
  ParsedResponse r = Get("/api/v1/query", {{"query", "up"}}, /*tenant=*/"");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, "no org id\n");
  EXPECT_TRUE(ingester_.TakeCalls().empty());
  // Endpoints that read no data need no tenant.
  EXPECT_EQ(Get("/api/v1/status/buildinfo", {}, "").status, 200);
  EXPECT_EQ(Get("/api/v1/format_query", {{"query", "up"}}, "").status, 200);
}

TEST_F(QueryApiTest, FormatQuery) {
  ExpectOk(Get("/api/v1/format_query", {{"query", "sum(rate(foo{bar=\"baz\"}[5m])) by (job)"}}),
           R"j({"status":"success","data":"sum by (job) (rate(foo{bar=\"baz\"}[5m]))"})j");
  ExpectOk(
      PostForm("/prometheus/api/v1/format_query",
               {{"query",
                 "sum(rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa{bar=\"baz\"}[5m])) by "
                 "(job) / on(job) group_left sum(bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb) "
                 "by (job)"}}),
      R"({"status":"success","data":"  sum by (job) )"
      R"((rate(aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa{bar=\"baz\"}[5m]))\n)"
      R"(/ on (job) group_left ()\n  sum by (job) )"
      R"j((bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb)"})j");
  ExpectError(Get("/api/v1/format_query", {{"query", "sum("}}), 400,
              R"({"status":"error","errorType":"bad_data","error":"invalid parameter )"
              R"(\"query\": 1:5: parse error: unclosed left parenthesis"})");
}

TEST_F(QueryApiTest, Metadata) {
  ExpectOk(Get("/api/v1/metadata"), R"({"status":"success","data":{}})");
  ExpectOk(Get("/prometheus/api/v1/metadata", {{"limit", "5"}, {"metric", "up"}}),
           R"({"status":"success","data":{}})");
  ExpectError(Get("/api/v1/metadata", {{"limit", "x"}}), 400,
              R"({"status":"error","errorType":"bad_data","error":"limit must be a number"})");
}

TEST_F(QueryApiTest, BuildInfo) {
  ExpectOk(Get("/api/v1/status/buildinfo"),
           R"({"status":"success","data":{"version":"strata","revision":"abc123",)"
           R"("branch":"main","buildUser":"ci@example","buildDate":"20240101-00:00:00",)"
           R"("goVersion":"gcc 12"}})");
}

TEST_F(QueryApiTest, MethodsOptionsAndCors) {
  for (std::string_view path : {"/api/v1/query", "/api/v1/query_range", "/api/v1/series",
                                "/api/v1/labels", "/api/v1/format_query"}) {
    SCOPED_TRACE(path);
    ParsedResponse r = Method("DELETE", path);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.Header("Allow"), "GET, OPTIONS, POST");
    EXPECT_EQ(r.body, "Method Not Allowed\n");
    r = Method("OPTIONS", path);
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.body, "");
  }
  for (std::string_view path :
       {"/api/v1/metadata", "/api/v1/status/buildinfo", "/api/v1/label/job/values"}) {
    SCOPED_TRACE(path);
    ParsedResponse r = Method("POST", path);
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.Header("Allow"), "GET, OPTIONS");
    EXPECT_EQ(r.body, "Method Not Allowed\n");
  }
  ParsedResponse r = Method("GET", "/api/v1/query?query=1&time=0", "Origin: http://x\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.Header("Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
  EXPECT_EQ(r.Header("Access-Control-Allow-Headers"),
            "Accept, Authorization, Content-Type, Origin");
  EXPECT_EQ(r.Header("Access-Control-Expose-Headers"), "Date");
  EXPECT_EQ(r.Header("Vary"), "Origin");
  EXPECT_EQ(Get("/api/v1/query", {{"query", "1"}}).Header("Access-Control-Allow-Origin"), "");
}

class QueryApiNoAuthTest : public testing::QueryApiFixture {
 protected:
  void SetUp() override {
    LoadPrometheusTestData("fake");
    StartServer(/*auth_enabled=*/false);
  }
};

TEST_F(QueryApiNoAuthTest, WithoutAuthTheTenantIsFake) {
  ParsedResponse r = Get("/api/v1/query", {{"query", "up"}, {"time", "1700000020"}}, "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kUpVector);
  EXPECT_THAT(ingester_.TakeCalls(), ElementsAre(Field(&FakeIngester::Call::tenant, "fake")));
}

}  // namespace
}  // namespace strata::api
