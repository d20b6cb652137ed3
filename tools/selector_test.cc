#include "tools/selector.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::tools {
namespace {

using ::testing::HasSubstr;

// The matchers' text forms, for compact comparisons.
std::vector<std::string> Parse(std::string_view text) {
  auto ms = ParseSeriesSelector(text);
  EXPECT_TRUE(ms.ok()) << text << ": " << ms.status();
  std::vector<std::string> out;
  if (ms.ok()) {
    for (const labels::Matcher& m : *ms) out.push_back(m.ToString());
  }
  return out;
}

TEST(SelectorTest, Forms) {
  struct Case {
    const char* text;
    std::vector<std::string> want;
  };
  for (const Case& c : std::vector<Case>{
           {"up", {R"(__name__="up")"}},
           {"  ns:rule_total  ", {R"(__name__="ns:rule_total")"}},
           {R"({job="a"})", {R"(job="a")"}},
           {R"(up{job!="a",instance=~"x.*", le!~'1|2',})",
            {R"(__name__="up")", R"(job!="a")", R"(instance=~"x.*")", R"(le!~"1|2")"}},
           {" up { } ", {R"(__name__="up")"}},
           {R"({__name__=~'(?s:.*)', a="b"})", {R"x(__name__=~"(?s:.*)")x", R"(a="b")"}},
       }) {
    SCOPED_TRACE(c.text);
    std::vector<std::string> got = Parse(c.text);
    EXPECT_EQ(got, c.want);
  }
}

TEST(SelectorTest, StringEscapes) {
  const char* text = R"({a="q\"b\\s\n\t\x41\101\u00e9\U0001F600", b='it\'s', c=`raw\n"`})";
  auto ms = ParseSeriesSelector(text);
  ASSERT_TRUE(ms.ok()) << ms.status();
  ASSERT_EQ(ms->size(), 3u);
  EXPECT_EQ((*ms)[0].value(), "q\"b\\s\n\tAA\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ((*ms)[1].value(), "it's");
  EXPECT_EQ((*ms)[2].value(), "raw\\n\"");
}

TEST(SelectorTest, MatchersWork) {
  auto ms = ParseSeriesSelector(R"({a=~"x|y", b!~"z.*"})");
  ASSERT_TRUE(ms.ok()) << ms.status();
  EXPECT_TRUE((*ms)[0].Matches("y"));
  EXPECT_FALSE((*ms)[0].Matches("xy"));  // anchored
  EXPECT_FALSE((*ms)[1].Matches("zz"));
  EXPECT_TRUE((*ms)[1].Matches("az"));
}

TEST(SelectorTest, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "expected a metric name or '{'"},
           {"{", "expected a label name"},
           {R"({a="b")", "expected ',' or '}'"},
           {R"({a="b" c="d"})", "expected ',' or '}'"},
           {R"({a=="b"})", "expected a quoted string"},
           {R"({a~"b"})", "expected one of"},
           {R"({a="b)", "unterminated string"},
           {R"({a="\q"})", "unknown escape"},
           {R"({a="\x4"})", "invalid numeric escape"},
           {R"({a="\400"})", "out of range"},
           {R"({a="\uD800"})", "invalid Unicode"},
           {R"({1a="b"})", "expected a label name"},
           {R"(up{} x)", "unexpected characters"},
           {R"({a=~"("})", "missing"},
           {R"({})", "at least one non-empty matcher"},
           {R"({a="", b=~".*"})", "at least one non-empty matcher"},
           {R"(up{__name__="x"})", "set twice"},
       }) {
    SCOPED_TRACE(c.text);
    auto ms = ParseSeriesSelector(c.text);
    ASSERT_FALSE(ms.ok());
    EXPECT_TRUE(absl::IsInvalidArgument(ms.status()));
    EXPECT_THAT(std::string(ms.status().message()), HasSubstr(c.message));
    EXPECT_THAT(std::string(ms.status().message()), HasSubstr("offset"));
  }
}

}  // namespace
}  // namespace strata::tools
