#include "util/go_strings.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

// Expected strings below were printed by Go's fmt (go1.19 "%q" / "%.3q" / "%.200q"), written as
// C++ literals with octal escapes so a following hex digit cannot extend an escape.

namespace strata {
namespace {

std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s);
  return out;
}

struct QuoteCase {
  std::string_view in;
  std::string_view want;
};

TEST(GoQuoteTest, MatchesGoPercentQ) {
  const QuoteCase cases[] = {
      {"", "\"\""},
      {"plain", "\"plain\""},
      {"a\"b\\c", "\"a\\\"b\\\\c\""},
      {"tab\011nl\012ret\015", "\"tab\\tnl\\nret\\r\""},
      {"\007\010\014\013", "\"\\a\\b\\f\\v\""},
      {std::string_view("\000\001\037\177", 4), "\"\\x00\\x01\\x1f\\x7f\""},
      {"caf\303\251", "\"caf\303\251\""},
      {"\346\227\245\346\234\254\350\252\236", "\"\346\227\245\346\234\254\350\252\236\""},
      {"\302\240nbsp", "\"\\u00a0nbsp\""},
      {"\342\200\250sep", "\"\\u2028sep\""},
      {"\342\200\213zwsp", "\"\\u200bzwsp\""},
      {"\357\273\277bom", "\"\\ufeffbom\""},
      {"\360\237\230\200 grin", "\"\360\237\230\200 grin\""},
      {"\363\240\200\201 tag", "\"\\U000e0001 tag\""},
      {"\364\217\277\277", "\"\\U0010ffff\""},
      {"\356\200\200 private", "\"\\ue000 private\""},
      {"\377", "\"\\xff\""},
      {"\303", "\"\\xc3\""},
      {"a\303(b", "\"a\\xc3(b\""},
      {"\342\202", "\"\\xe2\\x82\""},
      {"\355\240\200 surrogate", "\"\\xed\\xa0\\x80 surrogate\""},
      {"\300\200 overlong", "\"\\xc0\\x80 overlong\""},
      {"\364\220\200\200 too big", "\"\\xf4\\x90\\x80\\x80 too big\""},
      {"\357\277\275 real fffd", "\"\357\277\275 real fffd\""},
      {"\314\201 combining", "\"\314\201 combining\""},
      {"\302\255 soft hyphen", "\"\\u00ad soft hyphen\""},
      {"\205 c1", "\"\\x85 c1\""},
      {"\302\205 nel", "\"\\u0085 nel\""},
      {"\330\234 alm", "\"\\u061c alm\""},
      {"\343\200\200 ideo space", "\"\\u3000 ideo space\""},
  };
  for (const QuoteCase& c : cases) {
    SCOPED_TRACE(std::string(c.in));
    EXPECT_EQ(GoQuote(c.in), c.want);
  }
}

TEST(GoQuoteTest, PrecisionCountsRunesOfTheInput) {
  const QuoteCase cases[] = {
      {"abcdef", "\"abc\""},
      {"\346\227\245\346\234\254\350\252\236\343\201\247\343\201\231",
       "\"\346\227\245\346\234\254\350\252\236\""},
      // Each invalid byte is one rune, escaped as four output bytes.
      {"\377\376\375\374", "\"\\xff\\xfe\\xfd\""},
      {"ab", "\"ab\""},
      {"a\342\202\254b", "\"a\342\202\254b\""},
      // A combining mark is a rune of its own.
      {"\303\251\314\201xyz", "\"\303\251\314\201x\""},
  };
  for (const QuoteCase& c : cases) {
    SCOPED_TRACE(std::string(c.in));
    EXPECT_EQ(GoQuotePrefix(c.in, 3), c.want);
  }
}

TEST(GoQuoteTest, Precision200OnLongUnicode) {
  // Go: len(fmt.Sprintf("%.200q", strings.Repeat("é", 250))) == 402.
  const std::string s = Repeat("\303\251", 250);
  const std::string q = GoQuotePrefix(s, kCortexQuotePrecision);
  EXPECT_EQ(q, "\"" + Repeat("\303\251", 200) + "\"");
  EXPECT_EQ(q.size(), 402u);
  // Go: len(fmt.Sprintf("%.200q", strings.Repeat("a\xff", 150))) == 502: 100 × (a + \xff).
  const std::string mixed = Repeat("a\377", 150);
  EXPECT_EQ(GoQuotePrefix(mixed, 200), "\"" + Repeat("a\\xff", 100) + "\"");
  // Shorter than the precision: all of it.
  EXPECT_EQ(GoQuotePrefix("short", 200), "\"short\"");
  EXPECT_EQ(GoQuotePrefix("abc", 0), "\"\"");
}

TEST(DecodeRuneTest, FollowsGoUtf8) {
  struct Case {
    std::string_view in;
    char32_t rune;
    size_t width;
  };
  const Case cases[] = {
      {"", kRuneError, 0},
      {"a", 'a', 1},
      {"\303\251", 0xE9, 2},
      {"\342\202\254", 0x20AC, 3},
      {"\360\237\230\200", 0x1F600, 4},
      {"\364\217\277\277", 0x10FFFF, 4},
      {"\357\277\275", kRuneError, 3},          // a real U+FFFD is valid
      {"\200", kRuneError, 1},                  // lone continuation
      {"\301\277", kRuneError, 1},              // overlong 2-byte
      {"\340\237\277", kRuneError, 1},          // overlong 3-byte
      {"\360\217\277\277", kRuneError, 1},      // overlong 4-byte
      {"\355\240\200", kRuneError, 1},          // surrogate U+D800
      {"\364\220\200\200", kRuneError, 1},      // U+110000
      {"\370\210\200\200\200", kRuneError, 1},  // 5-byte form
      {"\342\202", kRuneError, 1},              // truncated
      {"\342(\254", kRuneError, 1},             // bad continuation
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.in));
    const DecodedRune d = DecodeRune(c.in);
    EXPECT_EQ(d.rune, c.rune);
    EXPECT_EQ(d.width, c.width);
  }
}

TEST(RuneCountTest, InvalidBytesCountOneEach) {
  EXPECT_EQ(RuneCount(""), 0u);
  EXPECT_EQ(RuneCount("abc"), 3u);
  EXPECT_EQ(RuneCount("\303\251t\303\251"), 3u);
  EXPECT_EQ(RuneCount("\377\376"), 2u);
  EXPECT_EQ(RuneCount("\342\202"), 2u);  // truncated 3-byte sequence: two invalid bytes
  EXPECT_TRUE(ValidUtf8("caf\303\251 \360\237\230\200"));
  EXPECT_FALSE(ValidUtf8("caf\303"));
  EXPECT_FALSE(ValidUtf8("\355\240\200"));
}

TEST(IsGoPrintTest, Categories) {
  EXPECT_TRUE(IsGoPrint(' '));
  EXPECT_TRUE(IsGoPrint('~'));
  EXPECT_FALSE(IsGoPrint(0x7F));
  EXPECT_FALSE(IsGoPrint(0xA0));    // no-break space: Zs, not U+0020
  EXPECT_TRUE(IsGoPrint(0xA1));     // ¡
  EXPECT_FALSE(IsGoPrint(0xAD));    // soft hyphen: Cf
  EXPECT_TRUE(IsGoPrint(0x301));    // combining acute: Mn
  EXPECT_FALSE(IsGoPrint(0x378));   // unassigned
  EXPECT_FALSE(IsGoPrint(0xD800));  // surrogate
  EXPECT_FALSE(IsGoPrint(0xE000));  // private use
  EXPECT_TRUE(IsGoPrint(0x1F600));  // 😀
  EXPECT_FALSE(IsGoPrint(0x10FFFF));
  EXPECT_FALSE(IsGoPrint(0x110000));
  // Added in Unicode 15.0 (Kawi letter A): printable for Go 1.21+.
  EXPECT_TRUE(IsGoPrint(0x11F04));
}

TEST(AppendUtf8Test, RoundTripsThroughDecodeRune) {
  for (char32_t r : {char32_t{0}, char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF}, char32_t{0x800},
                     char32_t{0xFFFF}, char32_t{0x10000}, char32_t{0x10FFFF}}) {
    std::string s;
    AppendUtf8(&s, r);
    const DecodedRune d = DecodeRune(s);
    EXPECT_EQ(d.rune, r);
    EXPECT_EQ(d.width, s.size());
  }
}

}  // namespace
}  // namespace strata
