#include "promql/parser/lexer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::promql::parser {
namespace {

using T = TokenType;

struct Tok {
  T type;
  std::string text;
  int32_t pos;
  friend bool operator==(const Tok&, const Tok&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Tok& t) {
    return os << "{" << static_cast<int>(t.type) << ", \"" << t.text << "\", " << t.pos << "}";
  }
};

// All tokens up to and including kEOF or kError.
std::vector<Tok> Lex(std::string_view in, bool series = false) {
  Lexer l(in, series);
  std::vector<Tok> out;
  for (int i = 0; i < 1000; i++) {
    Token t = l.Next();
    out.push_back({t.type, std::string(t.text), t.pos});
    if (t.type == T::kEOF || t.type == T::kError) break;
  }
  return out;
}

// Just the types, without the final kEOF.
std::vector<T> Types(std::string_view in) {
  std::vector<T> out;
  for (const Tok& t : Lex(in)) {
    if (t.type != T::kEOF) out.push_back(t.type);
  }
  return out;
}

// The error message, or "" when the input lexes cleanly.
std::string LexError(std::string_view in) {
  std::vector<Tok> toks = Lex(in);
  return toks.back().type == T::kError ? toks.back().text : "";
}

TEST(LexerTest, Selector) {
  EXPECT_THAT(Lex(R"(foo{a="b", c!~'d'})"),
              ::testing::ElementsAre(
                  Tok{T::kIdentifier, "foo", 0}, Tok{T::kLeftBrace, "{", 3},
                  Tok{T::kIdentifier, "a", 4}, Tok{T::kAssign, "=", 5}, Tok{T::kString, "\"b\"", 6},
                  Tok{T::kComma, ",", 9}, Tok{T::kIdentifier, "c", 11}, Tok{T::kNeqRegex, "!~", 12},
                  Tok{T::kString, "'d'", 14}, Tok{T::kRightBrace, "}", 17}, Tok{T::kEOF, "", 18}));
}

TEST(LexerTest, Operators) {
  EXPECT_EQ(
      Types("+ - * / % ^ == != < <= > >= and or unless atan2 @ , ( ) ="),
      (std::vector<T>{T::kAdd,       T::kSub,        T::kMul,     T::kDiv,   T::kMod, T::kPow,
                      T::kEqlc,      T::kNeq,        T::kLss,     T::kLte,   T::kGtr, T::kGte,
                      T::kLand,      T::kLor,        T::kLunless, T::kAtan2, T::kAt,  T::kComma,
                      T::kLeftParen, T::kRightParen, T::kAssign}));
  EXPECT_EQ(Types("a{b=~\"c\",d!=\"e\"}"),
            (std::vector<T>{T::kIdentifier, T::kLeftBrace, T::kIdentifier, T::kEqlRegex, T::kString,
                            T::kComma, T::kIdentifier, T::kNeq, T::kString, T::kRightBrace}));
}

TEST(LexerTest, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(Types("SUM Avg count MIN max group stddev stdvar topk bottomk count_values quantile"),
            (std::vector<T>{T::kSum, T::kAvg, T::kCount, T::kMin, T::kMax, T::kGroup, T::kStddev,
                            T::kStdvar, T::kTopk, T::kBottomk, T::kCountValues, T::kQuantile}));
  EXPECT_EQ(Types("BY without ON ignoring Group_Left group_right bool OFFSET start END"),
            (std::vector<T>{T::kBy, T::kWithout, T::kOn, T::kIgnoring, T::kGroupLeft,
                            T::kGroupRight, T::kBool, T::kOffset, T::kStart, T::kEnd}));
  // Inside braces keywords are plain identifiers.
  EXPECT_EQ(Types("{by=\"x\"}"), (std::vector<T>{T::kLeftBrace, T::kIdentifier, T::kAssign,
                                                 T::kString, T::kRightBrace}));
}

TEST(LexerTest, Identifiers) {
  EXPECT_EQ(Types("foo foo_bar _x a1 :a a:b a::b: sumx infinity"),
            (std::vector<T>{T::kIdentifier, T::kIdentifier, T::kIdentifier, T::kIdentifier,
                            T::kMetricIdentifier, T::kMetricIdentifier, T::kMetricIdentifier,
                            T::kIdentifier, T::kIdentifier}));
}

TEST(LexerTest, Numbers) {
  for (const char* n : {"1", "1.5", ".5", "5.", "1e3", "1E-3", "1e+3", "0x1f", "0XAB", "Inf", "nan",
                        "NaN", "0755", "1e", "0x"}) {
    SCOPED_TRACE(n);
    std::vector<Tok> t = Lex(n);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].type, T::kNumber);
    EXPECT_EQ(t[0].text, n);
  }
  EXPECT_EQ(LexError("0deadbeef"), R"(bad number or duration syntax: "0de")");
  EXPECT_EQ(LexError("123abc"), R"(bad number or duration syntax: "123")");
  EXPECT_EQ(LexError("1_000"), R"(bad number or duration syntax: "1")");
  EXPECT_EQ(Types("2.5."), (std::vector<T>{T::kNumber, T::kError}));
  EXPECT_EQ(LexError("2.5."), "unexpected character: '.'");
}

TEST(LexerTest, Durations) {
  for (const char* d : {"5m", "1h30m", "1y2w3d4h5m6s7ms", "5ms", "10s"}) {
    SCOPED_TRACE(d);
    std::vector<Tok> t = Lex(d);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].type, T::kDuration);
    EXPECT_EQ(t[0].text, d);
  }
  EXPECT_EQ(LexError("5mm"), R"(bad number or duration syntax: "5mm")");
  EXPECT_EQ(LexError("1m1"), R"(bad number or duration syntax: "1m1")");
  // Order and repetition of units are checked by the parser, not the lexer.
  EXPECT_EQ(Types("1m1h 1hs"), (std::vector<T>{T::kDuration, T::kDuration}));
}

TEST(LexerTest, Brackets) {
  EXPECT_THAT(Lex("a[ 5m:1m]"),
              ::testing::ElementsAre(Tok{T::kIdentifier, "a", 0}, Tok{T::kLeftBracket, "[", 1},
                                     Tok{T::kDuration, "5m", 3}, Tok{T::kColon, ":", 5},
                                     Tok{T::kDuration, "1m", 6}, Tok{T::kRightBracket, "]", 8},
                                     Tok{T::kEOF, "", 9}));
  // Inside brackets any letter is taken for the colon (Prometheus quirk).
  EXPECT_EQ(Types("a[5m x]"), (std::vector<T>{T::kIdentifier, T::kLeftBracket, T::kDuration,
                                              T::kColon, T::kRightBracket}));
  EXPECT_EQ(LexError("a[5m x y]"), "unexpected colon 'y'");
  EXPECT_EQ(LexError("a[5m::]"), "unexpected colon ':'");
  EXPECT_EQ(LexError("a[5]"), "missing unit character in duration");
  EXPECT_EQ(LexError("a[]"), "missing unit character in duration");
  EXPECT_EQ(LexError("a[5mm]"), R"(bad duration syntax: "5mm")");
  EXPECT_EQ(LexError("a[5m"), "unclosed left bracket");
  EXPECT_EQ(LexError("a[5m]]"), "unexpected right bracket ']'");
  EXPECT_EQ(LexError("a[5m:[1m]"), "unexpected left bracket '['");
}

TEST(LexerTest, Strings) {
  for (const char* s : {R"("a\"b")", R"('a\'b')", R"("\x41\u00e9\U0001F600\101\a\b\f\n\r\t\v\\")",
                        "`a\nb\\c`", "\"\xc3\xa9\""}) {
    SCOPED_TRACE(s);
    std::vector<Tok> t = Lex(s);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].type, T::kString);
    EXPECT_EQ(t[0].text, s);
  }
  EXPECT_EQ(LexError(R"("\'")"), "unknown escape sequence U+0027 '''");
  EXPECT_EQ(LexError(R"('\"')"), "unknown escape sequence U+0022 '\"'");
  EXPECT_EQ(LexError(R"("\c")"), "unknown escape sequence U+0063 'c'");
  EXPECT_EQ(LexError(R"("\x4g")"), "illegal character U+0067 'g' in escape sequence");
  EXPECT_EQ(LexError(R"("\x.")"), "illegal character U+002E '.' in escape sequence");
  EXPECT_EQ(LexError(R"("\400")"), "escape sequence is an invalid Unicode code point");
  EXPECT_EQ(LexError(R"("\ud800")"), "escape sequence is an invalid Unicode code point");
  EXPECT_EQ(LexError(R"("\U00110000")"), "escape sequence is an invalid Unicode code point");
  EXPECT_EQ(LexError("\"\\"), "escape sequence not terminated");
  EXPECT_EQ(LexError("\"\\x4"), "escape sequence not terminated");
  EXPECT_EQ(LexError("\"abc"), "unterminated quoted string");
  EXPECT_EQ(LexError("\"a\nb\""), "unterminated quoted string");
  EXPECT_EQ(LexError("`abc"), "unterminated raw string");
  EXPECT_EQ(LexError("\"\xff\""), "invalid UTF-8 rune");
  EXPECT_EQ(LexError("`\xef\xbf\xbd`"), "invalid UTF-8 rune");
  EXPECT_EQ(LexError("\"\\\x01\""), "unknown escape sequence U+0001");
}

TEST(LexerTest, Comments) {
  std::vector<Tok> t = Lex("foo # a comment\n+ 1");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[1], (Tok{T::kComment, "# a comment", 4}));
  EXPECT_EQ(t[2].type, T::kAdd);
  EXPECT_EQ(Types("{# c\na=\"b\"}"), (std::vector<T>{T::kLeftBrace, T::kComment, T::kIdentifier,
                                                     T::kAssign, T::kString, T::kRightBrace}));
}

TEST(LexerTest, Errors) {
  struct Case {
    const char* in;
    const char* error;
    int32_t pos;
  } cases[] = {
      {".", "unexpected character: '.'", 0},
      {"a ~", "unexpected character: '~'", 2},
      {"a =~ b", "unexpected character after '=': '~'", 2},
      {"a !~ b", "unexpected character after '!': '~'", 2},
      {"a !", "unexpected character after '!': '\xef\xbf\xbd'", 2},
      {"(", "unclosed left parenthesis", 1},
      {"(1))", "unexpected right parenthesis ')'", 4},
      {")", "unexpected right parenthesis ')'", 1},
      {"}", "unexpected character: '}'", 0},
      {"{", "unexpected end of input inside braces", 1},
      {"{a{", "unexpected left brace '{'", 2},
      {"{a!b}", "unexpected character after '!' inside braces: 'b'", 2},
      {"{a>b}", "unexpected character inside braces: '>'", 2},
      {"{1}", "unexpected character inside braces: '1'", 1},
      {"\xc2\xa0", "unexpected character: '\\u00a0'", 0},
      {"\xc3\xa9", "unexpected character: '\xc3\xa9'", 0},
      {"\x01", "unexpected character: '\\x01'", 0},
      {"'", "unterminated quoted string", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.in);
    std::vector<Tok> t = Lex(c.in);
    EXPECT_EQ(t.back().type, T::kError);
    EXPECT_EQ(t.back().text, c.error);
    EXPECT_EQ(t.back().pos, c.pos);
  }
}

TEST(LexerTest, AfterErrorOrEofOnlyEof) {
  Lexer l("a . b");
  EXPECT_EQ(l.Next().type, T::kIdentifier);
  EXPECT_EQ(l.Next().type, T::kError);
  EXPECT_EQ(l.Next().type, T::kEOF);
  EXPECT_EQ(l.Next().type, T::kEOF);
}

TEST(LexerTest, SeriesDescription) {
  std::vector<T> got;
  Lexer l("a{b=\"c\"} 1+2x3 _x2 -1 stale", /*series_desc=*/true);
  for (Token t = l.Next(); t.type != T::kEOF && t.type != T::kError; t = l.Next()) {
    got.push_back(t.type);
  }
  EXPECT_EQ(got,
            (std::vector<T>{T::kIdentifier, T::kLeftBrace, T::kIdentifier, T::kAssign, T::kString,
                            T::kRightBrace, T::kSpace,     T::kNumber,     T::kAdd,    T::kNumber,
                            T::kTimes,      T::kNumber,    T::kSpace,      T::kBlank,  T::kTimes,
                            T::kNumber,     T::kSpace,     T::kSub,        T::kNumber, T::kSpace,
                            T::kIdentifier}));
}

TEST(LexerTest, TokenDescriptions) {
  auto desc = [](T type, std::string_view text) { return TokenDescription(Token{type, 0, text}); };
  EXPECT_EQ(desc(T::kEOF, ""), "end of input");
  EXPECT_EQ(desc(T::kIdentifier, "foo"), R"(identifier "foo")");
  EXPECT_EQ(desc(T::kMetricIdentifier, "a:b"), R"(metric identifier "a:b")");
  EXPECT_EQ(desc(T::kNumber, "1"), R"(number "1")");
  EXPECT_EQ(desc(T::kNumber, "12345678901234"), R"(number "1234567890"...)");
  EXPECT_EQ(desc(T::kString, "\"abc\""), R"(string "\"abc\"")");
  EXPECT_EQ(desc(T::kDuration, "5m"), R"(duration "5m")");
  EXPECT_EQ(desc(T::kAdd, "+"), "<op:+>");
  EXPECT_EQ(desc(T::kLand, "AND"), "<op:AND>");
  EXPECT_EQ(desc(T::kEqlRegex, "=~"), "<op:=~>");
  EXPECT_EQ(desc(T::kSum, "sum"), "<aggr:sum>");
  EXPECT_EQ(desc(T::kBy, "by"), "<by>");
  EXPECT_EQ(desc(T::kStart, "start"), R"("start")");
  EXPECT_EQ(desc(T::kLeftParen, "("), R"("(")");
  EXPECT_EQ(desc(T::kAssign, "="), R"("=")");
  EXPECT_EQ(desc(T::kColon, "x"), R"("x")");
  EXPECT_EQ(desc(T::kAt, "@"), R"("<Item 57385>" <op:@>)");
}

}  // namespace
}  // namespace strata::promql::parser
