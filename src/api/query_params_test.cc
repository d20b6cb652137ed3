// Results and messages were checked against a real Prometheus 2.42 server.
#include "api/query_params.h"

#include <limits>

#include "gtest/gtest.h"

namespace strata::api {
namespace {

TEST(ParseTimeTest, UnixSecondsRoundedToMilliseconds) {
  struct Case {
    std::string_view in;
    int64_t want_ms;
  };
  for (const Case& c :
       {Case{"123", 123000}, Case{"123.123", 123123}, Case{"1543578564.705", 1543578564705},
        Case{"1.0005", 1000}, Case{"1.9999", 2000}, Case{"-1.0005", -1000}, Case{"-1.5", -1500},
        Case{"-0.0001", 0}, Case{"1e9", 1000000000000}, Case{"1_000", 1000000},
        Case{"0x1p4", 16000}, Case{".5", 500}, Case{"5.", 5000}, Case{"+5", 5000},
        Case{"1e-400", 0}, Case{"1700000000.001", 1700000000001}}) {
    SCOPED_TRACE(c.in);
    absl::StatusOr<int64_t> got = ParseTime(c.in);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want_ms);
  }
}

TEST(ParseTimeTest, Rfc3339AndBoundaries) {
  EXPECT_EQ(*ParseTime("2023-11-14T22:13:20.5Z"), 1700000000500);
  EXPECT_EQ(*ParseTime("2023-11-14T23:13:20+01:00"), 1700000000000);
  EXPECT_EQ(*ParseTime(kApiMinTimeFormatted), kApiMinTimeMs);
  EXPECT_EQ(*ParseTime(kApiMaxTimeFormatted), kApiMaxTimeMs);
  EXPECT_EQ(*ParseTime("-292273086-05-16T16:47:06Z"), -9223309901257974000);
  EXPECT_EQ(*ParseTime("292277025-08-18T07:12:54.999999999Z"), 9223309901257974999);
}

TEST(ParseTimeTest, Errors) {
  for (std::string_view in : {"", "abc", "30s", "0x10", " 1", "+nan", "1e400",
                              "2023-11-14T22:13:20", "2023-02-30T00:00:00Z",
                              // Go accepts these and makes garbage times of them; we refuse.
                              "inf", "NaN", "-Infinity", "1e16"}) {
    SCOPED_TRACE(in);
    absl::StatusOr<int64_t> got = ParseTime(in);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(got.status().message(),
              "cannot parse \"" + std::string(in) + "\" to a valid timestamp");
  }
  EXPECT_EQ(ParseTime("a\"b\n").status().message(),
            R"(cannot parse "a\"b\n" to a valid timestamp)");
}

TEST(ParseTimeParamTest, DefaultAndWrappedError) {
  HttpRequest req;
  req.params = {{"time", "1.5"}, {"empty", ""}, {"bad", "foo"}};
  EXPECT_EQ(*ParseTimeParam(req, "time", 7), 1500);
  EXPECT_EQ(*ParseTimeParam(req, "absent", 7), 7);
  EXPECT_EQ(*ParseTimeParam(req, "empty", 7), 7);
  EXPECT_EQ(ParseTimeParam(req, "bad", 7).status().message(),
            "Invalid time value for 'bad': cannot parse \"foo\" to a valid timestamp");
}

TEST(ParseDurationTest, SecondsAndPrometheusDurations) {
  struct Case {
    std::string_view in;
    int64_t want_ns;
  };
  for (const Case& c :
       {Case{"15", 15'000'000'000}, Case{"1.5", 1'500'000'000}, Case{"0.0005", 500'000},
        Case{"-1", -1'000'000'000}, Case{"0", 0}, Case{"1_0", 10'000'000'000},
        Case{"1m30s", 90'000'000'000}, Case{"1h30m", 5'400'000'000'000}, Case{"5ms", 5'000'000},
        Case{"1y", 31'536'000'000'000'000}}) {
    SCOPED_TRACE(c.in);
    absl::StatusOr<int64_t> got = ParseDurationNs(c.in);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(*got, c.want_ns);
  }
  // What Go's float-to-int conversion gives on amd64; the step check then refuses it.
  EXPECT_EQ(*ParseDurationNs("NaN"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*ParseDurationNs("9223372036.854775807"), std::numeric_limits<int64_t>::min());
}

TEST(ParseDurationTest, Errors) {
  EXPECT_EQ(ParseDurationNs("").status().message(), "cannot parse \"\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("1x").status().message(), "cannot parse \"1x\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("1ns").status().message(), "cannot parse \"1ns\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("1m1h").status().message(),
            "cannot parse \"1m1h\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("300y").status().message(),
            "cannot parse \"300y\" to a valid duration");
  EXPECT_EQ(ParseDurationNs("1e10").status().message(),
            "cannot parse \"1e10\" to a valid duration. It overflows int64");
  EXPECT_EQ(ParseDurationNs("-Inf").status().message(),
            "cannot parse \"-Inf\" to a valid duration. It overflows int64");
}

TEST(ParseMatchersParamTest, SetsAndErrors) {
  absl::StatusOr<std::vector<std::vector<labels::Matcher>>> sets =
      ParseMatchersParam({"up{job=\"api\"}", "{__name__=~\"a.*\"}"});
  ASSERT_TRUE(sets.ok()) << sets.status();
  ASSERT_EQ(sets->size(), 2u);
  ASSERT_EQ((*sets)[0].size(), 2u);
  EXPECT_EQ((*sets)[0][0], labels::Matcher::Equal("job", "api"));
  EXPECT_EQ((*sets)[0][1], labels::Matcher::Equal("__name__", "up"));
  EXPECT_EQ((*sets)[1].size(), 1u);
  EXPECT_TRUE(ParseMatchersParam({}).value().empty());

  EXPECT_EQ(ParseMatchersParam({"up{"}).status().message(),
            "1:4: parse error: unexpected end of input inside braces");
  for (std::string_view empty : {"{job=\"\"}", "{a=~\".*\"}", "{a!=\"x\"}"}) {
    SCOPED_TRACE(empty);
    EXPECT_EQ(ParseMatchersParam({"up", empty}).status().message(),
              "match[] must contain at least one non-empty matcher");
  }
  EXPECT_TRUE(ParseMatchersParam({"{job=\"\",a=\"b\"}"}).ok());
}

TEST(ParseLimitParamTest, Values) {
  EXPECT_EQ(*ParseLimitParam(""), 0);
  EXPECT_EQ(*ParseLimitParam("0"), 0);
  EXPECT_EQ(*ParseLimitParam("5"), 5);
  EXPECT_EQ(ParseLimitParam("-1").status().message(), "limit must be non-negative");
  EXPECT_EQ(ParseLimitParam("x").status().message(), "strconv.Atoi: parsing \"x\": invalid syntax");
}

TEST(IsValidLabelNameTest, PrometheusSyntax) {
  for (std::string_view ok : {"a", "_", "job", "__name__", "A1_b2"}) {
    EXPECT_TRUE(IsValidLabelName(ok)) << ok;
  }
  for (std::string_view bad : {"", "1a", "a-b", "a b", "é", "a.b"}) {
    EXPECT_FALSE(IsValidLabelName(bad)) << bad;
  }
}

}  // namespace
}  // namespace strata::api
