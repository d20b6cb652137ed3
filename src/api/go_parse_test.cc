// Accept/reject decisions and results were checked against a real Prometheus 2.42 (Go 1.19.8)
// through its query API (time=<input>, query=time()).
#include "api/go_parse.h"

#include <cmath>
#include <limits>
#include <optional>

#include "gtest/gtest.h"

namespace strata::api {
namespace {

TEST(ParseGoFloatTest, Accepts) {
  struct Case {
    std::string_view in;
    double want;
  };
  for (const Case& c :
       {Case{"123", 123}, Case{"123.123", 123.123}, Case{"-1.5", -1.5}, Case{"+5", 5},
        Case{".5", 0.5}, Case{"5.", 5}, Case{"1e9", 1e9}, Case{"1.5E3", 1500}, Case{"1e-400", 0},
        Case{"1_000", 1000}, Case{"1e1_0", 1e10}, Case{"0x1p4", 16}, Case{"0x1.8p1", 3},
        Case{"0X_1P-1", 0.5}, Case{"0xAp0", 10}}) {
    SCOPED_TRACE(c.in);
    std::optional<double> got = ParseGoFloat(c.in);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.want);
  }
}

TEST(ParseGoFloatTest, SpecialValues) {
  EXPECT_EQ(*ParseGoFloat("inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(*ParseGoFloat("+Infinity"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(*ParseGoFloat("-INF"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*ParseGoFloat("NaN")));
  EXPECT_TRUE(std::isnan(*ParseGoFloat("nan")));
}

TEST(ParseGoFloatTest, Rejects) {
  for (std::string_view in :
       {"",      "abc",   "30s",    "0x10", "0x10p", " 1", "1 ",   "+nan", "-nan",
        "infin", "1e400", "-1e400", "1__0", "1_",    "_1", "1_.5", "1._5", "1.5.5",
        "1e",    "1e+",   "1e_1",   ".",    "+",     "0x", "0xp1", "1,5"}) {
    SCOPED_TRACE(in);
    EXPECT_FALSE(ParseGoFloat(in).has_value());
  }
}

TEST(ParseGoAtoiTest, ValuesAndGoMessages) {
  EXPECT_EQ(*ParseGoAtoi("0"), 0);
  EXPECT_EQ(*ParseGoAtoi("+42"), 42);
  EXPECT_EQ(*ParseGoAtoi("-42"), -42);
  EXPECT_EQ(*ParseGoAtoi("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*ParseGoAtoi("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseGoAtoi("x").status().message(), "strconv.Atoi: parsing \"x\": invalid syntax");
  EXPECT_EQ(ParseGoAtoi("").status().message(), "strconv.Atoi: parsing \"\": invalid syntax");
  EXPECT_EQ(ParseGoAtoi("-").status().message(), "strconv.Atoi: parsing \"-\": invalid syntax");
  EXPECT_EQ(ParseGoAtoi("1_0").status().message(), "strconv.Atoi: parsing \"1_0\": invalid syntax");
  EXPECT_EQ(ParseGoAtoi("1.5").status().message(), "strconv.Atoi: parsing \"1.5\": invalid syntax");
  EXPECT_EQ(ParseGoAtoi("9223372036854775808").status().message(),
            "strconv.Atoi: parsing \"9223372036854775808\": value out of range");
  EXPECT_EQ(ParseGoAtoi("-9223372036854775809").status().message(),
            "strconv.Atoi: parsing \"-9223372036854775809\": value out of range");
  // Go reports overflow where it happens, before reading on.
  EXPECT_EQ(ParseGoAtoi("99999999999999999999x").status().message(),
            "strconv.Atoi: parsing \"99999999999999999999x\": value out of range");
  EXPECT_EQ(ParseGoAtoi("18446744073709551610x").status().message(),
            "strconv.Atoi: parsing \"18446744073709551610x\": invalid syntax");
}

TEST(ParseGoRfc3339Test, Accepts) {
  struct Case {
    std::string_view in;
    int64_t want_ms;
  };
  for (const Case& c : {
           Case{"2023-11-14T22:13:20Z", 1700000000000},
           Case{"2023-11-14T22:13:20.5Z", 1700000000500},
           Case{"2023-11-14T22:13:20,25Z", 1700000000250},
           Case{"2023-11-14T23:13:20.123456789+01:00", 1700000000123},
           Case{"2023-11-14T22:13:20.1239Z", 1700000000123},
           Case{"2023-11-14T22:13:20.999999Z", 1700000000999},
           Case{"2023-11-14T2:13:20Z", 1699928000000},
           Case{"2023-11-14T22:13:20-00:30", 1700001800000},
           Case{"2023-11-14T22:13:20+25:00", 1699910000000},
           Case{"2023-11-14T22:13:20+01:61", 1699992740000},
           Case{"2024-02-29T00:00:00Z", 1709164800000},
           Case{"2015-06-03T13:21:58.555Z", 1433337718555},
           Case{"2015-06-03T14:21:58.555+01:00", 1433337718555},
           Case{"1970-01-01T00:00:00Z", 0},
           Case{"1969-12-31T23:59:59.999Z", -1},
           Case{"0001-01-01T00:00:00Z", -62135596800000},
           Case{"0000-03-01T00:00:00Z", -62162035200000},
           Case{"9999-12-31T23:59:59Z", 253402300799000},
       }) {
    SCOPED_TRACE(c.in);
    std::optional<int64_t> got = ParseGoRfc3339NanoMs(c.in);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.want_ms);
  }
}

TEST(ParseGoRfc3339Test, Rejects) {
  for (std::string_view in :
       {"", "2023", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14t22:13:20Z",
        "2023-11-14T22:13:20z", "2023-11-14T22:13:20.1234567891234Z",
        "2023-11-14T22:13:20.0123456789Z", "2023-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
        "2023-11-14T22:13:60Z", "2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z",
        "2023-13-14T22:13:20Z", "2023-00-14T22:13:20Z", "2023-11-00T22:13:20Z",
        "2023-11-14T22:13:20+0100", "2023-11-14T22:13:20+01:00x", "-123-11-14T22:13:20Z",
        "+123-11-14T22:13:20Z", "20231-11-14T22:13:20Z", "2023-1-14T22:13:20Z",
        "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20 Z", "2023-11-14T123:13:20Z",
        "2023-11-14T22:13:20+1:00", "2023-11-14T22:13:20*01:00",
        // Go formats these, but only Prometheus's special case accepts them (query_params).
        "-292273086-05-16T16:47:06Z", "292277025-08-18T07:12:54.999999999Z"}) {
    SCOPED_TRACE(in);
    EXPECT_FALSE(ParseGoRfc3339NanoMs(in).has_value());
  }
}

}  // namespace
}  // namespace strata::api
