#include "labels/matcher.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "labels/labels.h"
#include "re2/re2.h"

namespace strata::labels {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Matcher Must(MatchType t, std::string name, std::string value) {
  auto m = Matcher::Make(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status();
  return *std::move(m);
}

struct MatchCase {
  MatchType type;
  std::string value;
  std::string input;
  bool want;
};

TEST(MatcherTest, MatchesTable) {
  using T = MatchType;
  const MatchCase cases[] = {
      {T::kEqual, "foo", "foo", true},
      {T::kEqual, "foo", "foob", false},
      {T::kEqual, "foo", "", false},
      {T::kEqual, "", "", true},  // {foo=""}: series without foo
      {T::kEqual, "", "x", false},
      {T::kNotEqual, "", "", false},  // {foo!=""}: only series with foo
      {T::kNotEqual, "", "x", true},
      {T::kNotEqual, "foo", "foo", false},
      {T::kNotEqual, "foo", "bar", true},
      {T::kNotEqual, "foo", "", true},
      // Anchoring: the whole value must match.
      {T::kRegexMatch, "a", "a", true},
      {T::kRegexMatch, "a", "ba", false},
      {T::kRegexMatch, "a", "ab", false},
      {T::kRegexMatch, "foo.*", "foobar", true},
      {T::kRegexMatch, "foo.*", "foo", true},
      {T::kRegexMatch, "foo.*", "afoo", false},
      {T::kRegexMatch, ".*foo", "afoo", true},
      {T::kRegexMatch, "a|b", "a", true},
      {T::kRegexMatch, "a|b", "b", true},
      {T::kRegexMatch, "a|b", "ab", false},
      {T::kRegexMatch, "a|b", "", false},
      {T::kRegexMatch, "a|", "", true},
      {T::kRegexMatch, "foo|bar.*", "barx", true},
      {T::kRegexMatch, "foo|bar.*", "foox", false},
      {T::kRegexMatch, "", "", true},
      {T::kRegexMatch, "", "a", false},
      {T::kRegexMatch, ".*", "", true},
      {T::kRegexMatch, ".*", "anything at all", true},
      {T::kRegexMatch, ".*", "a\nb", false},  // RE2/Go: "." excludes newline
      {T::kRegexMatch, ".+", "", false},
      {T::kRegexMatch, ".+", "x", true},
      {T::kRegexMatch, "(?s).*", "a\nb", true},
      {T::kRegexMatch, "a\\.b", "a.b", true},
      {T::kRegexMatch, "a\\.b", "axb", false},
      {T::kRegexMatch, "a.b", "axb", true},
      {T::kRegexMatch, "\\d+", "123", true},
      {T::kRegexMatch, "\\d+", "12a", false},
      {T::kRegexMatch, "(?i)FOO", "foo", true},
      {T::kRegexMatch, "caf\xc3\xa9|tea", "caf\xc3\xa9", true},
      {T::kRegexMatch, "a|b|c|d|e|f|g|h|i|j|k", "k", true},  // large set: sorted lookup
      {T::kRegexMatch, "a|b|c|d|e|f|g|h|i|j|k", "l", false},
      {T::kRegexMatch, "a|b|c|d|e|f|g|h|i|j|k", "", false},
      {T::kRegexNoMatch, "a|b", "a", false},
      {T::kRegexNoMatch, "a|b", "c", true},
      {T::kRegexNoMatch, "a|b", "", true},
      {T::kRegexNoMatch, ".*", "", false},
      {T::kRegexNoMatch, ".+", "", true},
      {T::kRegexNoMatch, ".+", "x", false},
      {T::kRegexNoMatch, "a", "ba", true},
  };
  for (const MatchCase& c : cases) {
    const Matcher m = Must(c.type, "foo", c.value);
    SCOPED_TRACE(m.ToString() + " on \"" + c.input + "\"");
    EXPECT_EQ(m.Matches(c.input), c.want);
    EXPECT_EQ(m.MatchesEmpty(), m.Matches(""));
    if (m.IsRegex()) {
      // The fast paths must agree with plain RE2 full matching.
      const bool re2 = RE2::FullMatch(c.input, RE2(c.value));
      EXPECT_EQ(m.Matches(c.input), c.type == T::kRegexMatch ? re2 : !re2);
    }
  }
}

TEST(MatcherTest, MissingLabelIsEmptyValue) {
  const Labels with{{"__name__", "up"}, {"foo", "bar"}};
  const Labels without{{"__name__", "up"}};
  const auto sel = [](const Matcher& m, const Labels& l) { return m.Matches(l.Get(m.name())); };
  const Matcher eq_empty = Matcher::Equal("foo", "");
  const Matcher ne_empty = Matcher::NotEqual("foo", "");
  const Matcher any = Must(MatchType::kRegexMatch, "foo", ".*");
  const Matcher some = Must(MatchType::kRegexMatch, "foo", ".+");
  EXPECT_FALSE(sel(eq_empty, with));
  EXPECT_TRUE(sel(eq_empty, without));
  EXPECT_TRUE(sel(ne_empty, with));
  EXPECT_FALSE(sel(ne_empty, without));
  EXPECT_TRUE(sel(any, with));
  EXPECT_TRUE(sel(any, without));
  EXPECT_TRUE(sel(some, with));
  EXPECT_FALSE(sel(some, without));
  EXPECT_TRUE(eq_empty.MatchesEmpty());
  EXPECT_FALSE(ne_empty.MatchesEmpty());
  EXPECT_TRUE(any.MatchesEmpty());
  EXPECT_FALSE(some.MatchesEmpty());
}

TEST(MatcherTest, BadRegexIsInvalidArgumentWithRe2Message) {
  for (const char* bad : {"(", "[a", "*", "a)|(b", "a{2,1}", "\\"}) {
    SCOPED_TRACE(bad);
    for (MatchType t : {MatchType::kRegexMatch, MatchType::kRegexNoMatch}) {
      auto m = Matcher::Make(t, "foo", bad);
      ASSERT_FALSE(m.ok());
      EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_THAT(std::string(m.status().message()), HasSubstr(RE2(bad).error()));
    }
  }
  // The same strings are fine as plain values.
  EXPECT_TRUE(Matcher::Make(MatchType::kEqual, "foo", "(").ok());
  EXPECT_TRUE(Matcher::Make(MatchType::kNotEqual, "foo", "[a").ok());
}

TEST(MatcherTest, SetMatches) {
  struct Case {
    MatchType type;
    std::string value;
    std::vector<std::string> want;
  };
  using T = MatchType;
  const Case cases[] = {
      {T::kRegexMatch, "a|b|c", {"a", "b", "c"}},
      {T::kRegexMatch, "foo", {"foo"}},
      {T::kRegexMatch, "b|a|b", {"b", "a"}},
      {T::kRegexMatch, "a\\.b|c\\|d", {"a.b", "c|d"}},
      {T::kRegexMatch, "a|", {"a", ""}},
      {T::kRegexMatch, "", {""}},
      {T::kRegexNoMatch, "x|y", {"x", "y"}},
      {T::kRegexMatch, "a.*", {}},
      {T::kRegexMatch, ".*", {}},
      {T::kRegexMatch, "a|b+", {}},
      {T::kRegexMatch, "(a|b)", {}},
      {T::kRegexMatch, "\\d", {}},
      {T::kRegexMatch, "(?i)a|b", {}},
      {T::kEqual, "a", {}},
      {T::kNotEqual, "a|b", {}},
  };
  for (const Case& c : cases) {
    const Matcher m = Must(c.type, "foo", c.value);
    SCOPED_TRACE(m.ToString());
    EXPECT_EQ(m.SetMatches(), c.want);
    for (const std::string& v : m.SetMatches()) {
      EXPECT_EQ(m.Matches(v), c.type == T::kRegexMatch) << v;
    }
  }
}

TEST(MatcherTest, ToStringLikePrometheus) {
  EXPECT_EQ(Matcher::Equal("foo", "bar").ToString(), R"(foo="bar")");
  EXPECT_EQ(Matcher::NotEqual("foo", "").ToString(), R"(foo!="")");
  EXPECT_EQ(Must(MatchType::kRegexMatch, "job", "api|web.*").ToString(), R"(job=~"api|web.*")");
  EXPECT_EQ(Must(MatchType::kRegexNoMatch, "x", "a\\.b").ToString(), R"(x!~"a\\.b")");
  EXPECT_EQ(Matcher::Equal("a", "q\"b\\c\n\t\r").ToString(), R"(a="q\"b\\c\n\t\r")");
  EXPECT_EQ(Matcher::Equal("a", "\a\b\f\v\x01\x7f").ToString(), R"(a="\a\b\f\v\x01\x7f")");
  EXPECT_EQ(Matcher::Equal("a", "caf\xc3\xa9 \xe2\x82\xac").ToString(),
            "a=\"caf\xc3\xa9 \xe2\x82\xac\"");
  EXPECT_EQ(Matcher::Equal("a", "\xff\xc3").ToString(), R"(a="\xff\xc3")");  // invalid UTF-8
  EXPECT_EQ(Matcher::Equal("a", "\xc2\x85").ToString(), R"(a="\u0085")");    // C1 control
  EXPECT_EQ(Matcher::Equal("a", "\xed\xa0\x80").ToString(), R"(a="\xed\xa0\x80")");  // surrogate
}

TEST(MatcherTest, InverseAndCopiesShareBehaviour) {
  const Matcher m = Must(MatchType::kRegexMatch, "foo", "a|b");
  const Matcher inv = m.Inverse();
  EXPECT_EQ(inv.type(), MatchType::kRegexNoMatch);
  EXPECT_EQ(inv.ToString(), R"(foo!~"a|b")");
  EXPECT_FALSE(inv.Matches("a"));
  EXPECT_TRUE(inv.Matches(""));
  EXPECT_TRUE(inv.MatchesEmpty());
  EXPECT_EQ(inv.Inverse(), m);
  EXPECT_THAT(inv.SetMatches(), ElementsAre("a", "b"));
  const Matcher copy = m;  // NOLINT: exercising copies
  EXPECT_TRUE(copy.Matches("b"));
  EXPECT_EQ(copy, m);
  EXPECT_EQ(Matcher::Equal("x", "1").Inverse(), Matcher::NotEqual("x", "1"));
  EXPECT_THAT(Matcher::Equal("x", "1").SetMatches(), IsEmpty());
}

}  // namespace
}  // namespace strata::labels
