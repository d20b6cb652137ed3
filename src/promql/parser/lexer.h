// The PromQL lexer: turns a query into tokens exactly as Prometheus 2.42 does, including its
// quirks (a letter after the range inside brackets reads as ':', "inf"/"nan" are numbers, keywords
// are case-insensitive, comments run from '#' to the end of the line).
//
// The lexer is a small state machine driven by what it has seen: open braces switch to label
// matcher lexing, an open '[' lexes a duration next, a quote switches to string lexing. Errors
// are tokens of type kError whose text is the message; after an error or kEOF, Next() keeps
// returning kEOF.
//
// Not thread-safe; borrows `input`, which must outlive the lexer and its tokens.
#ifndef STRATA_PROMQL_PARSER_LEXER_H_
#define STRATA_PROMQL_PARSER_LEXER_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace strata::promql::parser {

enum class TokenType : uint8_t {
  kEOF,
  kError,
  kComment,
  kIdentifier,
  kMetricIdentifier,
  kNumber,
  kString,
  kDuration,
  kLeftParen,
  kRightParen,
  kLeftBrace,
  kRightBrace,
  kLeftBracket,
  kRightBracket,
  kComma,
  kAssign,  // '=' inside braces ("EQL" in Prometheus)
  kColon,
  kSemicolon,
  kBlank,  // '_' in series descriptions
  kTimes,  // 'x' in series descriptions
  kSpace,  // whitespace in series descriptions
  // Operators.
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kEqlc,  // ==
  kNeq,
  kLte,
  kLss,
  kGte,
  kGtr,
  kEqlRegex,
  kNeqRegex,
  kLand,
  kLor,
  kLunless,
  kAt,
  kAtan2,
  // Aggregators.
  kAvg,
  kBottomk,
  kCount,
  kCountValues,
  kGroup,
  kMax,
  kMin,
  kQuantile,
  kStddev,
  kStdvar,
  kSum,
  kTopk,
  // Keywords.
  kBool,
  kBy,
  kGroupLeft,
  kGroupRight,
  kIgnoring,
  kOffset,
  kOn,
  kWithout,
  // @ modifier preprocessors.
  kStart,
  kEnd,
};

bool IsOperator(TokenType t);    // kAdd..kAtan2
bool IsAggregator(TokenType t);  // kAvg..kTopk
bool IsKeyword(TokenType t);     // kBool..kWithout

struct Token {
  TokenType type = TokenType::kEOF;
  int32_t pos = 0;        // byte offset of the token's first byte
  std::string_view text;  // the token's bytes; for kError, the error message (see Lexer)

  int32_t end() const { return pos + static_cast<int32_t>(text.size()); }
};

// How Prometheus names a token in "unexpected ..." messages: `identifier "foo"`, `<op:+>`,
// `<by>`, `"("`, `number "1"`, `end of input`.
std::string TokenDescription(const Token& t);

class Lexer {
 public:
  // `series_desc` selects the series description syntax of test files ("a{b="c"} 1+2x3 _ stale").
  explicit Lexer(std::string_view input, bool series_desc = false)
      : input_(input), series_desc_(series_desc) {}

  Lexer(const Lexer&) = delete;
  Lexer& operator=(const Lexer&) = delete;

  // Returns the next token, comments included. A kError token's text is its message, which
  // stays valid as long as the lexer does.
  Token Next();

 private:
  static constexpr int32_t kEofRune = -1;

  int32_t NextRune();
  int32_t PeekRune();
  void Backup() { pos_ -= width_; }
  bool Accept(std::string_view valid);
  void AcceptRun(std::string_view valid);
  Token Emit(TokenType t);
  Token Error(std::string message);
  bool ScanNumber();
  bool AcceptRemainingDuration();

  // Each returns true with *out set when it produced a token, false when it only skipped input.
  bool LexStatements(Token* out);
  bool LexInsideBraces(Token* out);
  bool LexValueSequence(Token* out);
  Token LexOperator(int32_t r);
  Token LexString();
  Token LexRawString();
  bool LexEscape(Token* out);
  Token LexDuration();
  Token LexNumberOrDuration();
  Token LexKeywordOrIdentifier();
  Token LexIdentifier();
  Token LexComment();
  Token LexBracket(int32_t r);
  void SkipSpaces();

  std::string_view input_;
  bool series_desc_;
  int32_t pos_ = 0;    // next byte to read
  int32_t start_ = 0;  // start of the token being scanned
  int32_t width_ = 0;  // bytes of the last rune read
  bool done_ = false;  // an error or EOF was returned

  int paren_depth_ = 0;
  bool brace_open_ = false;
  bool bracket_open_ = false;
  bool got_colon_ = false;
  bool duration_next_ = false;   // the token after '[' is lexed as a duration
  bool value_sequence_ = false;  // series descriptions: lexing the values after the metric
  char string_open_ = 0;
  std::string error_;
};

}  // namespace strata::promql::parser

#endif  // STRATA_PROMQL_PARSER_LEXER_H_
