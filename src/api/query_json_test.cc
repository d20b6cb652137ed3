// Expected strings are what Prometheus 2.42 wrote for the same values (its web/api/v1
// TestRespond cases, and responses of a real Prometheus 2.42 server over the same data).
#include "api/query_json.h"

#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "api/api_response.h"
#include "gtest/gtest.h"
#include "promql/parser/parser.h"

namespace strata::api {
namespace {

std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s);
  return out;
}

std::string Timestamp(int64_t t) {
  std::string out;
  AppendJsonTimestamp(&out, t);
  return out;
}

std::string SampleValue(double v) {
  std::string out;
  AppendJsonSampleValue(&out, v);
  return out;
}

std::string QueryData(const promql::Value& v) {
  std::string out;
  AppendQueryData(&out, v);
  return out;
}

double StaleNaN() { return std::bit_cast<double>(promql::parser::kStaleNaNBits); }

TEST(JsonStringTest, EscapesAsGoEncodingJsonDoes) {
  EXPECT_EQ(JsonString(""), R"("")");
  EXPECT_EQ(JsonString("plain ascii ~!@#$%^*()[]{}"), R"j("plain ascii ~!@#$%^*()[]{}")j");
  EXPECT_EQ(JsonString("say \"hi\"\\"), R"("say \"hi\"\\")");
  EXPECT_EQ(JsonString("x\ny\r\tz"), R"("x\ny\r\tz")");
  // Go 1.19 has no short forms for \b and \f.
  EXPECT_EQ(JsonString(std::string("\x01\b\f\x1f\0", 5)), R"("\u0001\u0008\u000c\u001f\u0000")");
  EXPECT_EQ(JsonString("<a&b>"), R"("\u003ca\u0026b\u003e")");
  EXPECT_EQ(JsonString("\x7f"), "\"\x7f\"");
  EXPECT_EQ(JsonString("é☃😀"), "\"é☃😀\"");
  EXPECT_EQ(JsonString("\u2028\u2029"), R"("\u2028\u2029")");
}

TEST(JsonStringTest, InvalidUtf8BecomesReplacementPerByte) {
  EXPECT_EQ(JsonString("a\xff"
                       "b"),
            R"("a\ufffdb")");
  // A truncated three-byte sequence: two invalid bytes.
  EXPECT_EQ(JsonString("\xe2\x82"), R"("\ufffd\ufffd")");
  // An overlong encoding of '/' and a UTF-16 surrogate are invalid too.
  EXPECT_EQ(JsonString("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(JsonString("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
}

TEST(JsonLabelsTest, ObjectInNameOrder) {
  std::string out;
  AppendJsonLabels(&out, labels::Labels{{"job", "api"}, {"__name__", "up"}, {"v", "<a&b>"}});
  EXPECT_EQ(out, R"({"__name__":"up","job":"api","v":"\u003ca\u0026b\u003e"})");
  out.clear();
  AppendJsonLabels(&out, labels::Labels{});
  EXPECT_EQ(out, "{}");
}

TEST(JsonStringArrayTest, Arrays) {
  std::string out;
  AppendJsonStringArray(&out, {});
  EXPECT_EQ(out, "[]");
  out.clear();
  AppendJsonStringArray(&out, {"a", "b\"", ""});
  EXPECT_EQ(out, R"(["a","b\"",""])");
}

TEST(JsonTimestampTest, ThreeFractionDigitsWhenNotWhole) {
  EXPECT_EQ(Timestamp(0), "0");
  EXPECT_EQ(Timestamp(1), "0.001");
  EXPECT_EQ(Timestamp(10), "0.010");
  EXPECT_EQ(Timestamp(100), "0.100");
  EXPECT_EQ(Timestamp(1000), "1");
  EXPECT_EQ(Timestamp(1001), "1.001");
  EXPECT_EQ(Timestamp(1010), "1.010");
  EXPECT_EQ(Timestamp(1100), "1.100");
  EXPECT_EQ(Timestamp(1700000015500), "1700000015.500");
  EXPECT_EQ(Timestamp(12345678123456555), "12345678123456.555");
  EXPECT_EQ(Timestamp(-1), "-0.001");
  EXPECT_EQ(Timestamp(-1500), "-1.500");
  EXPECT_EQ(Timestamp(-3000), "-3");
  EXPECT_EQ(Timestamp(std::numeric_limits<int64_t>::max()), "9223372036854775.807");
  EXPECT_EQ(Timestamp(std::numeric_limits<int64_t>::min()), "-9223372036854775.808");
}

TEST(JsonSampleValueTest, FixedUnlessTinyOrHuge) {
  EXPECT_EQ(SampleValue(0), R"("0")");
  EXPECT_EQ(SampleValue(-0.0), R"("-0")");
  EXPECT_EQ(SampleValue(20), R"("20")");
  EXPECT_EQ(SampleValue(-0.25), R"("-0.25")");
  EXPECT_EQ(SampleValue(0.1), R"("0.1")");
  EXPECT_EQ(SampleValue(1.2345678e6), R"("1234567.8")");
  EXPECT_EQ(SampleValue(1.2345678e-6), R"("0.0000012345678")");
  EXPECT_EQ(SampleValue(1e-6), R"("0.000001")");
  EXPECT_EQ(SampleValue(9.99e20), R"("999000000000000000000")");
  EXPECT_EQ(SampleValue(123456789012345678901.0), R"("123456789012345680000")");
  EXPECT_EQ(SampleValue(1e21), R"("1e+21")");
  EXPECT_EQ(SampleValue(-1e21), R"("-1e+21")");
  EXPECT_EQ(SampleValue(1e-7), R"("1e-07")");
  EXPECT_EQ(SampleValue(1.2345678e-67), R"("1.2345678e-67")");
  EXPECT_EQ(SampleValue(std::numeric_limits<double>::max()), R"("1.7976931348623157e+308")");
  EXPECT_EQ(SampleValue(5e-324), R"("5e-324")");
  EXPECT_EQ(SampleValue(std::nan("")), R"("NaN")");
  EXPECT_EQ(SampleValue(StaleNaN()), R"("NaN")");
  EXPECT_EQ(SampleValue(std::numeric_limits<double>::infinity()), R"("+Inf")");
  EXPECT_EQ(SampleValue(-std::numeric_limits<double>::infinity()), R"("-Inf")");
}

TEST(QueryDataTest, Vector) {
  promql::Vector v = {
      {labels::Labels{{"__name__", "up"}, {"job", "api"}}, 1700000000000, 1},
      {labels::Labels{{"__name__", "weird"}}, 1700000000500, 1e21},
  };
  EXPECT_EQ(QueryData(v), R"({"resultType":"vector","result":[)"
                          R"({"metric":{"__name__":"up","job":"api"},"value":[1700000000,"1"]},)"
                          R"({"metric":{"__name__":"weird"},"value":[1700000000.500,"1e+21"]}]})");
  EXPECT_EQ(QueryData(promql::Vector{}), R"({"resultType":"vector","result":[]})");
}

TEST(QueryDataTest, Matrix) {
  promql::Matrix m = {
      {labels::Labels{{"__name__", "foo"}}, {{1000, 1}, {1500, 0.5}}},
      {labels::Labels{}, {{-1, 2}}},
      {labels::Labels{{"a", "b"}}, {}},
  };
  EXPECT_EQ(QueryData(m), R"({"resultType":"matrix","result":[)"
                          R"({"metric":{"__name__":"foo"},"values":[[1,"1"],[1.500,"0.5"]]},)"
                          R"({"metric":{},"values":[[-0.001,"2"]]},)"
                          R"({"metric":{"a":"b"}}]})");
  EXPECT_EQ(QueryData(promql::Matrix{}), R"({"resultType":"matrix","result":[]})");
}

TEST(QueryDataTest, ScalarUsesGoJsonFloatsAndFixedValues) {
  // promql.Scalar.MarshalJSON: the timestamp as float64(t)/1000, the value always 'f'.
  EXPECT_EQ(QueryData(promql::Scalar{1700000000500, 1e21}),
            R"({"resultType":"scalar","result":[1700000000.5,"1000000000000000000000"]})");
  EXPECT_EQ(QueryData(promql::Scalar{1700000000001, 1e-7}),
            R"({"resultType":"scalar","result":[1700000000.001,"0.0000001"]})");
  EXPECT_EQ(QueryData(promql::Scalar{-1500, -0.0}),
            R"({"resultType":"scalar","result":[-1.5,"-0"]})");
  EXPECT_EQ(QueryData(promql::Scalar{0, std::nan("")}),
            R"({"resultType":"scalar","result":[0,"NaN"]})");
}

TEST(QueryDataTest, String) {
  EXPECT_EQ(QueryData(promql::String{1700000000500, "a<b>&\u2028\""}),
            R"({"resultType":"string","result":[1700000000.5,"a\u003cb\u003e\u0026\u2028\""]})");
}

TEST(ApiResponseTest, SuccessEnvelope) {
  HttpResponse r = ApiSuccessResponse("[]");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"status":"success","data":[]})");
  r = ApiSuccessResponse("{}", {"w1", "w<2>"});
  EXPECT_EQ(r.body, R"({"status":"success","data":{},"warnings":["w1","w\u003c2\u003e"]})");
}

TEST(ApiResponseTest, ErrorTypesAndCodes) {
  struct Case {
    ApiErrorType type;
    std::string_view name;
    int status;
  };
  for (const Case& c : {Case{ApiErrorType::kBadData, "bad_data", 400},
                        Case{ApiErrorType::kExecution, "execution", 422},
                        Case{ApiErrorType::kTimeout, "timeout", 503},
                        Case{ApiErrorType::kCanceled, "canceled", 503},
                        Case{ApiErrorType::kInternal, "internal", 500},
                        Case{ApiErrorType::kUnavailable, "unavailable", 500},
                        Case{ApiErrorType::kNotFound, "not_found", 404}}) {
    SCOPED_TRACE(c.name);
    HttpResponse r = ApiErrorResponse({c.type, "it \"broke\""});
    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(r.body, "{\"status\":\"error\",\"errorType\":\"" + std::string(c.name) +
                          R"(","error":"it \"broke\""})");
  }
}

TEST(ApiResponseTest, InvalidParamQuotesLikeGo) {
  ApiError e = InvalidParamError("match[]", "bad\tthing");
  EXPECT_EQ(e.type, ApiErrorType::kBadData);
  EXPECT_EQ(e.message, "invalid parameter \"match[]\": bad\tthing");
  EXPECT_EQ(InvalidParamError("a\"b", absl::InvalidArgumentError("x")).message,
            R"(invalid parameter "a\"b": x)");
}

TEST(ApiResponseTest, QueryExecErrorTypes) {
  EXPECT_EQ(QueryExecError(absl::CancelledError("c")).type, ApiErrorType::kCanceled);
  EXPECT_EQ(QueryExecError(absl::DeadlineExceededError("t")).type, ApiErrorType::kTimeout);
  EXPECT_EQ(QueryExecError(absl::FailedPreconditionError("e")).type, ApiErrorType::kExecution);
  EXPECT_EQ(QueryExecError(absl::InvalidArgumentError("e")).type, ApiErrorType::kExecution);
  EXPECT_EQ(QueryExecError(absl::ResourceExhaustedError("e")).type, ApiErrorType::kExecution);
  EXPECT_EQ(QueryExecError(absl::DataLossError("e")).type, ApiErrorType::kInternal);
  EXPECT_EQ(QueryExecError(absl::UnavailableError("e")).type, ApiErrorType::kInternal);
  EXPECT_EQ(QueryExecError(absl::DataLossError("expanding series: x")).message,
            "expanding series: x");
}

}  // namespace
}  // namespace strata::api
