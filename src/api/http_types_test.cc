#include "api/http_types.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::api {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(PercentDecodeTest, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(*PercentDecode("a%2Fb%20c+d", /*plus_is_space=*/true), "a/b c d");
  EXPECT_EQ(*PercentDecode("a%2fb+d", /*plus_is_space=*/false), "a/b+d");
  EXPECT_EQ(*PercentDecode("%7B__name__%3D~%22up%22%7D", true), "{__name__=~\"up\"}");
  EXPECT_EQ(*PercentDecode("", true), "");
  EXPECT_EQ(*PercentDecode("%00", true), std::string(1, '\0'));
}

TEST(PercentDecodeTest, RejectsBadEscapes) {
  for (const char* bad : {"%", "%2", "a%zz", "%g0", "abc%4"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<std::string> got = PercentDecode(bad, true);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(got.status().message()), ::testing::HasSubstr("invalid URL escape"));
  }
}

TEST(ParseUrlEncodedTest, KeepsRepeatedKeysInOrder) {
  ParamMap params;
  ASSERT_TRUE(
      ParseUrlEncoded("match%5B%5D=up&start=1&match[]=%7Bjob%3D%22a+b%22%7D&&flag&e=", &params)
          .ok());
  EXPECT_THAT(params, ElementsAre(Pair("e", ""), Pair("flag", ""), Pair("match[]", "up"),
                                  Pair("match[]", "{job=\"a b\"}"), Pair("start", "1")));
}

TEST(ParseUrlEncodedTest, NamesTheBadSegment) {
  ParamMap params;
  absl::Status st = ParseUrlEncoded("a=1&query=rate(x%ZZ)", &params);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()), ::testing::HasSubstr("query=rate(x%ZZ)"));
}

TEST(IsFormContentTypeTest, IgnoresCaseAndParameters) {
  EXPECT_TRUE(IsFormContentType("application/x-www-form-urlencoded"));
  EXPECT_TRUE(IsFormContentType("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  EXPECT_FALSE(IsFormContentType("application/x-protobuf"));
  EXPECT_FALSE(IsFormContentType(""));
}

TEST(HttpRequestTest, HeaderLookupIgnoresCase) {
  HttpRequest req;
  req.headers.emplace("X-Scope-OrgID", "tenant-1");
  req.headers.emplace("content-type", "text/plain");
  EXPECT_EQ(req.Header("x-scope-orgid"), "tenant-1");
  EXPECT_EQ(req.Header("X-SCOPE-ORGID"), "tenant-1");
  EXPECT_EQ(req.Header("Content-Type"), "text/plain");
  EXPECT_TRUE(req.HasHeader("CONTENT-TYPE"));
  EXPECT_EQ(req.Header("X-Missing"), "");
  EXPECT_FALSE(req.HasHeader("X-Missing"));
}

TEST(HttpRequestTest, ParamAccessors) {
  HttpRequest req;
  ASSERT_TRUE(ParseUrlEncoded("match[]=a&match[]=b&q=1", &req.params).ok());
  EXPECT_EQ(req.Param("match[]"), "a");
  EXPECT_THAT(req.Params("match[]"), ElementsAre("a", "b"));
  EXPECT_TRUE(req.HasParam("q"));
  EXPECT_FALSE(req.HasParam("r"));
  EXPECT_EQ(req.Param("r"), "");
  EXPECT_TRUE(req.Params("r").empty());
}

TEST(ResponsesTest, CannedResponses) {
  HttpResponse nf = NotFoundResponse();
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.body, "404 page not found\n");
  EXPECT_EQ(nf.content_type, kTextPlain);

  HttpRequest req;
  req.method = "DELETE";
  std::optional<HttpResponse> denied = CheckMethod(req, {"GET", "POST"});
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->status, 405);
  EXPECT_THAT(denied->headers, ElementsAre(Pair("Allow", "GET, POST")));
  req.method = "POST";
  EXPECT_FALSE(CheckMethod(req, {"GET", "POST"}).has_value());
}

}  // namespace
}  // namespace strata::api
