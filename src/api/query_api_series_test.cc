// series, labels and label/<name>/values through a real HttpServer. Expected bodies were
// captured from a real Prometheus 2.42 server over the same series (see query_api_test.cc).
#include <string>

#include "api/query_api_test_fixture.h"
#include "api/query_params.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::api {
namespace {

using ::strata::api::testing::FakeIngester;
using ::strata::api::testing::ParsedResponse;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;

class QueryApiSeriesTest : public testing::QueryApiFixture {
 protected:
  void SetUp() override {
    QueryApiFixture::SetUp();
    StartServer();
  }

  void ExpectOk(const ParsedResponse& r, std::string_view body) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/json");
    EXPECT_EQ(r.body, body);
  }
  void ExpectBadData(const ParsedResponse& r, std::string_view message) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.body,
              StrCat(R"({"status":"error","errorType":"bad_data","error":")", message, "\"}"));
  }
};

constexpr std::string_view kUpSeries =
    R"({"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"},)"
    R"({"__name__":"up","instance":"b:2","job":"db"}]})";
constexpr std::string_view kEsc =
    R"({"__name__":"esc","nl":"x\ny","q":"say \"hi\"\\","u":"é☃\u2028","v":"\u003ca\u0026b\u003e"})";

TEST_F(QueryApiSeriesTest, Series) {
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}}), kUpSeries);
  ExpectOk(Get("/prometheus/api/v1/series", {{"match[]", "up"}, {"match[]", "esc"}}),
           StrCat(R"({"status":"success","data":[)", kEsc,
                  R"(,{"__name__":"up","instance":"a:1","job":"api"},)"
                  R"({"__name__":"up","instance":"b:2","job":"db"}]})"));
  // Overlapping selectors yield each series once.
  ExpectOk(Get("/api/v1/series", {{"match[]", "up{job=\"api\"}"}, {"match[]", "up"}}), kUpSeries);
  ExpectOk(Get("/api/v1/series", {{"match[]", "nothing"}}), R"({"status":"success","data":[]})");
  ExpectOk(PostForm("/api/v1/series", {{"match[]", "up{job=\"db\"}"}}),
           R"({"status":"success","data":[{"__name__":"up","instance":"b:2","job":"db"}]})");
}

TEST_F(QueryApiSeriesTest, SeriesTimeRange) {
  ingester_.TakeCalls();
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}}), kUpSeries);
  // Samples outside the range: no series.
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}, {"start", "1800000000"}}),
           R"({"status":"success","data":[]})");
  ExpectOk(Get("/api/v1/series",
               {{"match[]", "up"}, {"start", "2023-11-14T22:13:20Z"}, {"end", "1700000000.5"}}),
           kUpSeries);
  using Call = FakeIngester::Call;
  EXPECT_THAT(
      ingester_.TakeCalls(),
      ElementsAre(AllOf(Field(&Call::mint, kApiMinTimeMs), Field(&Call::maxt, kApiMaxTimeMs)),
                  AllOf(Field(&Call::mint, 1800000000000), Field(&Call::maxt, kApiMaxTimeMs)),
                  AllOf(Field(&Call::mint, 1700000000000), Field(&Call::maxt, 1700000000500))));
}

TEST_F(QueryApiSeriesTest, SeriesErrors) {
  ExpectBadData(Get("/api/v1/series"), "no match[] parameter provided");
  ExpectBadData(Get("/api/v1/series", {{"match[]", "{job=\"\"}"}}),
                R"(invalid parameter \"match[]\": match[] must contain at least one non-empty )"
                R"(matcher)");
  ExpectBadData(Get("/api/v1/series", {{"match[]", "up{"}}),
                R"(invalid parameter \"match[]\": 1:4: parse error: unexpected end of input )"
                R"(inside braces)");
  ExpectBadData(Get("/api/v1/series", {{"match[]", "up"}, {"start", "foo"}}),
                R"(invalid parameter \"start\": Invalid time value for 'start': cannot parse )"
                R"(\"foo\" to a valid timestamp)");
  ExpectBadData(Get("/api/v1/series", {{"match[]", "up"}, {"limit", "-1"}}),
                R"(invalid parameter \"limit\": limit must be non-negative)");
  ExpectBadData(Get("/api/v1/series", {{"match[]", "up"}, {"limit", "x"}}),
                R"(invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax)");
}

TEST_F(QueryApiSeriesTest, SeriesLimit) {
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}, {"limit", "1"}}),
           R"({"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"}],)"
           R"("warnings":["results truncated due to limit"]})");
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}, {"limit", "2"}}), kUpSeries);
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}, {"limit", "0"}}), kUpSeries);
}

TEST_F(QueryApiSeriesTest, Labels) {
  ExpectOk(Get("/api/v1/labels"),
           R"({"status":"success","data":["__name__","instance","job","kind","nl","q","u","v"]})");
  ExpectOk(Get("/prometheus/api/v1/labels", {{"match[]", "up"}}),
           R"({"status":"success","data":["__name__","instance","job"]})");
  ExpectOk(PostForm("/api/v1/labels", {{"match[]", "esc"}}),
           R"({"status":"success","data":["__name__","nl","q","u","v"]})");
  ExpectOk(Get("/api/v1/labels", {{"match[]", "esc"}, {"match[]", "up"}}),
           R"({"status":"success","data":["__name__","instance","job","nl","q","u","v"]})");
  ExpectOk(Get("/api/v1/labels", {{"match[]", "nothing"}}), R"({"status":"success","data":[]})");
  ExpectOk(Get("/api/v1/labels", {{"match[]", "up"}, {"limit", "2"}}),
           R"({"status":"success","data":["__name__","instance"],)"
           R"("warnings":["results truncated due to limit"]})");
}

TEST_F(QueryApiSeriesTest, LabelsErrors) {
  // Unlike series, Prometheus does not name match[] in these messages.
  ExpectBadData(Get("/api/v1/labels", {{"match[]", "{a=\"\"}"}}),
                "match[] must contain at least one non-empty matcher");
  ExpectBadData(Get("/api/v1/labels", {{"match[]", "up{"}}),
                "1:4: parse error: unexpected end of input inside braces");
  ExpectBadData(Get("/api/v1/labels", {{"end", "foo"}}),
                R"(invalid parameter \"end\": Invalid time value for 'end': cannot parse )"
                R"(\"foo\" to a valid timestamp)");
}

TEST_F(QueryApiSeriesTest, LabelValues) {
  ExpectOk(Get("/api/v1/label/job/values"), R"({"status":"success","data":["api","db"]})");
  ExpectOk(Get("/prometheus/api/v1/label/__name__/values"),
           R"({"status":"success","data":["esc","up","weird"]})");
  ExpectOk(Get("/api/v1/label/job/values", {{"match[]", "up{job=\"db\"}"}}),
           R"({"status":"success","data":["db"]})");
  ExpectOk(Get("/api/v1/label/job/values", {{"match[]", "up{job=\"db\"}"}, {"match[]", "up"}}),
           R"({"status":"success","data":["api","db"]})");
  ExpectOk(Get("/api/v1/label/nope/values"), R"({"status":"success","data":[]})");
  ExpectOk(Get("/api/v1/label/v/values"),
           R"({"status":"success","data":["\u003ca\u0026b\u003e"]})");
  ExpectOk(Get("/api/v1/label/kind/values", {{"limit", "2"}}),
           R"({"status":"success","data":["big","e20"],)"
           R"("warnings":["results truncated due to limit"]})");
}

TEST_F(QueryApiSeriesTest, LabelValuesErrors) {
  ExpectBadData(Get("/api/v1/label/1a/values"), R"(invalid label name: \"1a\")");
  ExpectBadData(Get("/api/v1/label/a%20b/values"), R"(invalid label name: \"a b\")");
  ExpectBadData(Get("/api/v1/label/%C3%A9/values"), R"(invalid label name: \"é\")");
  ExpectBadData(Get("/api/v1/label/job/values", {{"match[]", "{a=\"\"}"}}),
                "match[] must contain at least one non-empty matcher");
  ExpectBadData(Get("/api/v1/label/job/values", {{"match[]", "x{"}}),
                "1:3: parse error: unexpected end of input inside braces");
  for (std::string_view path :
       {"/api/v1/label/job", "/api/v1/label//values", "/api/v1/label/a/b/values",
        "/api/v1/label/a%2Fb/values", "/api/v1/label/job/values/", "/api/v1/label/values"}) {
    SCOPED_TRACE(path);
    ParsedResponse r = Get(path);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "404 page not found\n");
  }
}

TEST_F(QueryApiSeriesTest, TenantsSeeOnlyTheirOwnSeries) {
  ExpectOk(Get("/api/v1/series", {{"match[]", "up"}}, "team-b"),
           R"({"status":"success","data":[{"__name__":"up","instance":"s:9","job":"secret"}]})");
  ExpectOk(Get("/api/v1/series", {{"match[]", "only_b"}}), R"({"status":"success","data":[]})");
  ExpectOk(Get("/api/v1/labels", {}, "team-b"),
           R"({"status":"success","data":["__name__","instance","job","x"]})");
  ExpectOk(Get("/api/v1/label/job/values", {}, "team-b"),
           R"({"status":"success","data":["secret"]})");
  ExpectOk(Get("/api/v1/label/__name__/values"),
           R"({"status":"success","data":["esc","up","weird"]})");
  ExpectOk(Get("/api/v1/label/__name__/values", {}, "team-c"), R"({"status":"success","data":[]})");
  using Call = FakeIngester::Call;
  EXPECT_THAT(ingester_.TakeCalls(),
              ElementsAre(Field(&Call::tenant, "team-b"), Field(&Call::tenant, "team-a"),
                          Field(&Call::tenant, "team-b"), Field(&Call::tenant, "team-b"),
                          Field(&Call::tenant, "team-a"), Field(&Call::tenant, "team-c")));
  for (std::string_view path : {"/api/v1/series?match[]=up", "/api/v1/labels",
                                "/api/v1/label/job/values", "/api/v1/metadata"}) {
    SCOPED_TRACE(path);
    ParsedResponse r = Get(path, {}, /*tenant=*/"");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.body, "no org id\n");
  }
  EXPECT_TRUE(ingester_.TakeCalls().empty());
}

}  // namespace
}  // namespace strata::api
