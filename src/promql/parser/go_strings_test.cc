#include "promql/parser/go_strings.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "promql/parser/go_numbers.h"

namespace strata::promql::parser {
namespace {

TEST(GoStringsTest, DecodeRune) {
  EXPECT_EQ(DecodeRune("a").rune, U'a');
  EXPECT_EQ(DecodeRune("\xc3\xa9x").rune, U'\u00e9');
  EXPECT_EQ(DecodeRune("\xc3\xa9x").width, 2);
  EXPECT_EQ(DecodeRune("\xf0\x9f\x98\x80").rune, U'\U0001F600');
  EXPECT_EQ(DecodeRune("\xf0\x9f\x98\x80").width, 4);
  EXPECT_EQ(DecodeRune("").width, 0);
  for (std::string_view bad :
       {"\xff", "\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", "\xe0\x80\xaf"}) {
    DecodedRune d = DecodeRune(bad);
    EXPECT_EQ(d.rune, kRuneError);
    EXPECT_EQ(d.width, 1);
  }
}

TEST(GoStringsTest, Quote) {
  EXPECT_EQ(GoQuote(""), R"("")");
  EXPECT_EQ(GoQuote("abc"), R"("abc")");
  EXPECT_EQ(GoQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(GoQuote("'"), R"("'")");
  EXPECT_EQ(GoQuote("\a\b\f\n\r\t\v"), R"("\a\b\f\n\r\t\v")");
  EXPECT_EQ(GoQuote(std::string_view("\x00\x01\x7f", 3)), R"("\x00\x01\x7f")");
  EXPECT_EQ(GoQuote("\xff\xc3"), R"("\xff\xc3")");
  EXPECT_EQ(GoQuote("\xc3\xa9\xe6\x97\xa5"), "\"\xc3\xa9\xe6\x97\xa5\"");  // printable: kept
  EXPECT_EQ(GoQuote("\xc2\xa0"), R"("\u00a0")");
  EXPECT_EQ(GoQuote("\xc2\x85"), R"("\u0085")");
  EXPECT_EQ(GoQuote("\xc2\xad"), R"("\u00ad")");
  EXPECT_EQ(GoQuote("\xe2\x80\x8b"), R"("\u200b")");
  EXPECT_EQ(GoQuote("\xe2\x80\xa8"), R"("\u2028")");
  EXPECT_EQ(GoQuote("\xef\xbb\xbf"), R"("\ufeff")");
  EXPECT_EQ(GoQuote("\xee\x80\x80"), R"("\ue000")");
  EXPECT_EQ(GoQuote("\xf3\xa0\x80\x81"), R"("\U000e0001")");
  EXPECT_EQ(GoQuote("\xef\xbf\xbd"), "\"\xef\xbf\xbd\"");
  EXPECT_EQ(GoQuote("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
}

TEST(GoStringsTest, QuoteRuneAndUnicodeName) {
  EXPECT_EQ(GoQuoteRune('a'), "'a'");
  EXPECT_EQ(GoQuoteRune('\''), R"('\'')");
  EXPECT_EQ(GoQuoteRune('"'), R"('"')");
  EXPECT_EQ(GoQuoteRune('\n'), R"('\n')");
  EXPECT_EQ(GoQuoteRune(0xA0), R"('\u00a0')");
  EXPECT_EQ(GoQuoteRune(-1), "'\xef\xbf\xbd'");
  EXPECT_EQ(GoQuoteRune(0x110000), "'\xef\xbf\xbd'");
  EXPECT_EQ(GoUnicodeName('c'), "U+0063 'c'");
  EXPECT_EQ(GoUnicodeName('\''), "U+0027 '''");
  EXPECT_EQ(GoUnicodeName(1), "U+0001");
  EXPECT_EQ(GoUnicodeName(0x1F600), "U+1F600 '\xf0\x9f\x98\x80'");
}

TEST(GoStringsTest, QuoteTruncated) {
  EXPECT_EQ(GoQuoteTruncated("12345678901234", 10), R"("1234567890")");
  EXPECT_EQ(GoQuoteTruncated("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\"\xc3\xa9\xc3\xa9\"");
  EXPECT_EQ(GoQuoteTruncated("ab", 10), R"("ab")");
}

TEST(GoStringsTest, Unquote) {
  struct Case {
    std::string in;
    std::string want;
  } cases[] = {
      {R"("")", ""},
      {R"("abc")", "abc"},
      {R"('abc')", "abc"},
      {R"(`a\b`)", R"(a\b)"},
      {R"("a\"b")", "a\"b"},
      {R"('a\'b')", "a'b"},
      {R"("a'b")", "a'b"},
      {R"("\x41\101\u00e9\U0001F600")", "AA\xc3\xa9\xf0\x9f\x98\x80"},
      {R"("\xff\377")", "\xff\xff"},
      {R"("\a\b\f\n\r\t\v\\")", "\a\b\f\n\r\t\v\\"},
      {"\"\xc3\xa9\"", "\xc3\xa9"},
      {"\"\xff\"", "\xff"},               // no escapes: returned as is, like Go
      {"\"\xff\\n\"", "\xef\xbf\xbd\n"},  // decoded rune by rune: U+FFFD
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    absl::StatusOr<std::string> s = UnquoteString(c.in);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(*s, c.want);
  }
  for (std::string_view bad :
       {"", "\"", "\"a'", "abc", "'a\"", R"("\'")", R"('\"')", R"("\z")", R"("\x4")", R"("\400")",
        R"("\ud800")", "\"a\nb\"", "`a`b`", R"("a"b")", R"("\")"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<std::string> s = UnquoteString(bad);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().message(), "invalid syntax");
  }
}

TEST(GoNumbersTest, ParseGoNumber) {
  struct Case {
    const char* in;
    double want;
  } cases[] = {{"0", 0},
               {"1", 1},
               {"010", 8},
               {"0x10", 16},
               {"0X1f", 31},
               {"08", 8},
               {"1.5", 1.5},
               {".5", .5},
               {"5.", 5},
               {"1e3", 1000},
               {"1e-400", 0},
               {"0b11", 3},
               {"0o17", 15},
               {"99999999999999999999", 1e20},
               {"0777777777777777777777777", 7.777777777777778e+23}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    double v = -1;
    std::string err;
    ASSERT_TRUE(ParseGoNumber(c.in, &v, &err)) << err;
    EXPECT_EQ(v, c.want);
  }
  double v;
  std::string err;
  ASSERT_TRUE(ParseGoNumber("Inf", &v, &err));
  EXPECT_EQ(v, std::numeric_limits<double>::infinity());
  ASSERT_TRUE(ParseGoNumber("nAn", &v, &err));
  EXPECT_TRUE(std::isnan(v));
  EXPECT_FALSE(ParseGoNumber("0x", &v, &err));
  EXPECT_EQ(err, R"(strconv.ParseFloat: parsing "0x": invalid syntax)");
  EXPECT_FALSE(ParseGoNumber("0x1.8", &v, &err));
  EXPECT_EQ(err, R"(strconv.ParseFloat: parsing "0x1.8": invalid syntax)");
  EXPECT_FALSE(ParseGoNumber("0xFFFFFFFFFFFFFFFF", &v, &err));
  EXPECT_EQ(err, R"(strconv.ParseFloat: parsing "0xFFFFFFFFFFFFFFFF": invalid syntax)");
  EXPECT_FALSE(ParseGoNumber("1e400", &v, &err));
  EXPECT_EQ(err, R"(strconv.ParseFloat: parsing "1e400": value out of range)");
  EXPECT_FALSE(ParseGoNumber("1e", &v, &err));
  EXPECT_FALSE(ParseGoNumber("1.2.3", &v, &err));
}

TEST(GoNumbersTest, FormatGoF) {
  EXPECT_EQ(FormatGoF(1.5), "1.500000");
  EXPECT_EQ(FormatGoF(-2), "-2.000000");
  EXPECT_EQ(FormatGoF(1e30), "1000000000000000019884624838656.000000");
  EXPECT_EQ(FormatGoF(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatGoF(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatGoF(std::nan("")), "NaN");
}

TEST(GoNumbersTest, FromFloatSeconds) {
  EXPECT_EQ(FromFloatSeconds(1.5), 1500);
  EXPECT_EQ(FromFloatSeconds(1.0005), 1001);
  EXPECT_EQ(FromFloatSeconds(-1.0005), -1001);
  EXPECT_EQ(FromFloatSeconds(0.0004), 0);
  EXPECT_EQ(FromFloatSeconds(1e19), INT64_MIN);
  EXPECT_EQ(FromFloatSeconds(std::nan("")), INT64_MIN);
}

}  // namespace
}  // namespace strata::promql::parser
