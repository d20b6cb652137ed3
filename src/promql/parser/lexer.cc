#include "promql/parser/lexer.h"

#include <array>

#include "promql/parser/go_strings.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace {

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kHexDigits = "0123456789abcdefABCDEF";

bool IsSpace(int32_t r) { return r == ' ' || r == '\t' || r == '\n' || r == '\r'; }
bool IsEndOfLine(int32_t r) { return r == '\r' || r == '\n'; }
bool IsDigit(int32_t r) { return r >= '0' && r <= '9'; }
bool IsAlpha(int32_t r) { return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'); }
bool IsAlphaNumeric(int32_t r) { return IsAlpha(r) || IsDigit(r); }

struct Keyword {
  std::string_view word;
  TokenType type;
};
// Words the lexer turns into keyword tokens, matched after lower-casing. "inf" and "nan" are
// numbers.
constexpr std::array<Keyword, 29> kKeywords = {{
    {"and", TokenType::kLand},
    {"or", TokenType::kLor},
    {"unless", TokenType::kLunless},
    {"atan2", TokenType::kAtan2},
    {"sum", TokenType::kSum},
    {"avg", TokenType::kAvg},
    {"count", TokenType::kCount},
    {"min", TokenType::kMin},
    {"max", TokenType::kMax},
    {"group", TokenType::kGroup},
    {"stddev", TokenType::kStddev},
    {"stdvar", TokenType::kStdvar},
    {"topk", TokenType::kTopk},
    {"bottomk", TokenType::kBottomk},
    {"count_values", TokenType::kCountValues},
    {"quantile", TokenType::kQuantile},
    {"offset", TokenType::kOffset},
    {"by", TokenType::kBy},
    {"without", TokenType::kWithout},
    {"on", TokenType::kOn},
    {"ignoring", TokenType::kIgnoring},
    {"group_left", TokenType::kGroupLeft},
    {"group_right", TokenType::kGroupRight},
    {"bool", TokenType::kBool},
    {"start", TokenType::kStart},
    {"end", TokenType::kEnd},
    {"inf", TokenType::kNumber},
    {"nan", TokenType::kNumber},
    {"", TokenType::kEOF},  // sentinel, never matches a non-empty word
}};

bool LookupKeyword(std::string_view word, TokenType* type) {
  if (word.size() > 12) return false;  // longer than any keyword
  char lower[12];
  for (size_t i = 0; i < word.size(); i++) {
    char c = word[i];
    lower[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  std::string_view l(lower, word.size());
  for (const Keyword& k : kKeywords) {
    if (!k.word.empty() && k.word == l) {
      *type = k.type;
      return true;
    }
  }
  return false;
}

// Tokens that Prometheus's ItemTypeStr names, so their description is their text.
bool HasFixedText(TokenType t) {
  switch (t) {
    case TokenType::kEOF:
    case TokenType::kError:
    case TokenType::kComment:
    case TokenType::kIdentifier:
    case TokenType::kMetricIdentifier:
    case TokenType::kNumber:
    case TokenType::kString:
    case TokenType::kDuration:
    case TokenType::kAt:
      return false;
    default:
      return true;
  }
}

std::string_view TypeDescription(TokenType t) {
  switch (t) {
    case TokenType::kError:
      return "error";
    case TokenType::kEOF:
      return "end of input";
    case TokenType::kComment:
      return "comment";
    case TokenType::kIdentifier:
      return "identifier";
    case TokenType::kMetricIdentifier:
      return "metric identifier";
    case TokenType::kString:
      return "string";
    case TokenType::kNumber:
      return "number";
    case TokenType::kDuration:
      return "duration";
    // Prometheus has no name for '@' and prints the quoted numeric item type of its generated
    // parser.
    case TokenType::kAt:
      return "\"<Item 57385>\"";
    default:
      return "";
  }
}

// Prometheus's Item.String().
std::string TokenString(const Token& t) {
  if (t.type == TokenType::kEOF) return "EOF";
  if (t.type == TokenType::kError) return std::string(t.text);
  if (t.type == TokenType::kIdentifier || t.type == TokenType::kMetricIdentifier) {
    return GoQuote(t.text);
  }
  if (IsKeyword(t.type)) return StrCat("<", t.text, ">");
  if (IsOperator(t.type)) return StrCat("<op:", t.text, ">");
  if (IsAggregator(t.type)) return StrCat("<aggr:", t.text, ">");
  if (t.text.size() > 10) return GoQuoteTruncated(t.text, 10) + "...";
  return GoQuote(t.text);
}

}  // namespace

bool IsOperator(TokenType t) { return t >= TokenType::kAdd && t <= TokenType::kAtan2; }
bool IsAggregator(TokenType t) { return t >= TokenType::kAvg && t <= TokenType::kTopk; }
bool IsKeyword(TokenType t) { return t >= TokenType::kBool && t <= TokenType::kWithout; }

std::string TokenDescription(const Token& t) {
  if (HasFixedText(t.type)) return TokenString(t);
  if (t.type == TokenType::kEOF) return std::string(TypeDescription(t.type));
  return StrCat(TypeDescription(t.type), " ", TokenString(t));
}

int32_t Lexer::NextRune() {
  if (pos_ >= static_cast<int32_t>(input_.size())) {
    width_ = 0;
    return kEofRune;
  }
  unsigned char c = static_cast<unsigned char>(input_[static_cast<size_t>(pos_)]);
  if (c < 0x80) {  // ASCII fast path
    width_ = 1;
    pos_++;
    return c;
  }
  DecodedRune d = DecodeRune(input_.substr(static_cast<size_t>(pos_)));
  width_ = d.width;
  pos_ += width_;
  return static_cast<int32_t>(d.rune);
}

int32_t Lexer::PeekRune() {
  int32_t r = NextRune();
  Backup();
  return r;
}

bool Lexer::Accept(std::string_view valid) {
  int32_t r = NextRune();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) {
    return true;
  }
  Backup();
  return false;
}

void Lexer::AcceptRun(std::string_view valid) {
  while (Accept(valid)) {
  }
}

Token Lexer::Emit(TokenType t) {
  Token tok{t, start_,
            input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_))};
  start_ = pos_;
  return tok;
}

Token Lexer::Error(std::string message) {
  error_ = std::move(message);
  return Token{TokenType::kError, start_, error_};
}

void Lexer::SkipSpaces() {
  while (IsSpace(PeekRune())) NextRune();
  start_ = pos_;
}

Token Lexer::Next() {
  if (done_) return Token{TokenType::kEOF, pos_, {}};
  Token t;
  for (;;) {
    bool produced;
    if (duration_next_) {
      duration_next_ = false;
      t = LexDuration();
      produced = true;
    } else if (brace_open_) {
      produced = LexInsideBraces(&t);
    } else if (value_sequence_) {
      produced = LexValueSequence(&t);
    } else {
      produced = LexStatements(&t);
    }
    if (produced) break;
  }
  if (t.type == TokenType::kEOF || t.type == TokenType::kError) done_ = true;
  return t;
}

Token Lexer::LexComment() {
  pos_ += 1;  // '#'
  int32_t r = NextRune();
  while (!IsEndOfLine(r) && r != kEofRune) r = NextRune();
  Backup();
  return Emit(TokenType::kComment);
}

bool Lexer::LexStatements(Token* out) {
  if (input_.substr(static_cast<size_t>(pos_)).starts_with('#')) {
    *out = LexComment();
    return true;
  }
  int32_t r = NextRune();
  if (r == kEofRune) {
    if (paren_depth_ != 0) {
      *out = Error("unclosed left parenthesis");
    } else if (bracket_open_) {
      *out = Error("unclosed left bracket");
    } else {
      *out = Emit(TokenType::kEOF);
    }
    return true;
  }
  if (IsSpace(r)) {
    SkipSpaces();
    return false;
  }
  if (IsDigit(r) || (r == '.' && IsDigit(PeekRune()))) {
    Backup();
    *out = LexNumberOrDuration();
    return true;
  }
  if (r == '"' || r == '\'') {
    string_open_ = static_cast<char>(r);
    *out = LexString();
    return true;
  }
  if (r == '`') {
    string_open_ = '`';
    *out = LexRawString();
    return true;
  }
  if (IsAlpha(r) || r == ':') {
    if (!bracket_open_) {
      Backup();
      *out = LexKeywordOrIdentifier();
    } else if (got_colon_) {
      *out = Error("unexpected colon " + GoQuoteRune(r));
    } else {
      // Inside brackets any letter reads as the subquery colon, as in Prometheus.
      *out = Emit(TokenType::kColon);
      got_colon_ = true;
    }
    return true;
  }
  *out = LexOperator(r);
  return true;
}

Token Lexer::LexOperator(int32_t r) {
  switch (r) {
    case ',':
      return Emit(TokenType::kComma);
    case '*':
      return Emit(TokenType::kMul);
    case '/':
      return Emit(TokenType::kDiv);
    case '%':
      return Emit(TokenType::kMod);
    case '+':
      return Emit(TokenType::kAdd);
    case '-':
      return Emit(TokenType::kSub);
    case '^':
      return Emit(TokenType::kPow);
    case '@':
      return Emit(TokenType::kAt);
    case '=': {
      int32_t t = PeekRune();
      if (t == '=') {
        NextRune();
        return Emit(TokenType::kEqlc);
      }
      if (t == '~') return Error("unexpected character after '=': " + GoQuoteRune(t));
      return Emit(TokenType::kAssign);
    }
    case '!': {
      int32_t t = NextRune();
      if (t == '=') return Emit(TokenType::kNeq);
      return Error("unexpected character after '!': " + GoQuoteRune(t));
    }
    case '<':
    case '>': {
      bool eq = PeekRune() == '=';
      if (eq) NextRune();
      if (r == '<') return Emit(eq ? TokenType::kLte : TokenType::kLss);
      return Emit(eq ? TokenType::kGte : TokenType::kGtr);
    }
    case '(':
      paren_depth_++;
      return Emit(TokenType::kLeftParen);
    case ')': {
      Token t = Emit(TokenType::kRightParen);
      paren_depth_--;
      // Prometheus reports this after emitting the ')', so the error points past it.
      if (paren_depth_ < 0) return Error("unexpected right parenthesis " + GoQuoteRune(r));
      return t;
    }
    case '{':
      brace_open_ = true;
      return Emit(TokenType::kLeftBrace);
    default:
      return LexBracket(r);
  }
}

Token Lexer::LexBracket(int32_t r) {
  if (r == '[') {
    if (bracket_open_) return Error("unexpected left bracket " + GoQuoteRune(r));
    got_colon_ = false;
    Token t = Emit(TokenType::kLeftBracket);
    if (IsSpace(PeekRune())) SkipSpaces();
    bracket_open_ = true;
    duration_next_ = true;
    return t;
  }
  if (r == ']') {
    if (!bracket_open_) return Error("unexpected right bracket " + GoQuoteRune(r));
    bracket_open_ = false;
    return Emit(TokenType::kRightBracket);
  }
  return Error("unexpected character: " + GoQuoteRune(r));
}

bool Lexer::LexInsideBraces(Token* out) {
  if (input_.substr(static_cast<size_t>(pos_)).starts_with('#')) {
    *out = LexComment();
    return true;
  }
  int32_t r = NextRune();
  if (r == kEofRune) {
    *out = Error("unexpected end of input inside braces");
  } else if (IsSpace(r)) {
    SkipSpaces();
    return false;
  } else if (IsAlpha(r)) {
    Backup();
    *out = LexIdentifier();
  } else if (r == ',') {
    *out = Emit(TokenType::kComma);
  } else if (r == '"' || r == '\'') {
    string_open_ = static_cast<char>(r);
    *out = LexString();
  } else if (r == '`') {
    string_open_ = '`';
    *out = LexRawString();
  } else if (r == '=') {
    if (NextRune() == '~') {
      *out = Emit(TokenType::kEqlRegex);
    } else {
      Backup();
      *out = Emit(TokenType::kAssign);
    }
  } else if (r == '!') {
    int32_t nr = NextRune();
    if (nr == '~') {
      *out = Emit(TokenType::kNeqRegex);
    } else if (nr == '=') {
      *out = Emit(TokenType::kNeq);
    } else {
      *out = Error("unexpected character after '!' inside braces: " + GoQuoteRune(nr));
    }
  } else if (r == '{') {
    *out = Error("unexpected left brace " + GoQuoteRune(r));
  } else if (r == '}') {
    *out = Emit(TokenType::kRightBrace);
    brace_open_ = false;
    if (series_desc_) value_sequence_ = true;
  } else {
    *out = Error("unexpected character inside braces: " + GoQuoteRune(r));
  }
  return true;
}

bool Lexer::LexValueSequence(Token* out) {
  int32_t r = NextRune();
  if (r == kEofRune) {
    value_sequence_ = false;
    return false;  // LexStatements emits EOF
  }
  if (IsSpace(r)) {
    *out = Emit(TokenType::kSpace);
    SkipSpaces();
  } else if (r == '+') {
    *out = Emit(TokenType::kAdd);
  } else if (r == '-') {
    *out = Emit(TokenType::kSub);
  } else if (r == 'x') {
    *out = Emit(TokenType::kTimes);
  } else if (r == '_') {
    *out = Emit(TokenType::kBlank);
  } else if (IsDigit(r) || (r == '.' && IsDigit(PeekRune()))) {
    Backup();
    if (ScanNumber()) {
      *out = Emit(TokenType::kNumber);
    } else {
      *out = Error("bad number syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
    }
  } else if (IsAlpha(r)) {
    Backup();
    *out = LexKeywordOrIdentifier();
  } else {
    *out = Error("unexpected character in series sequence: " + GoQuoteRune(r));
  }
  return true;
}

bool Lexer::LexEscape(Token* out) {
  int32_t ch = NextRune();
  int n;
  uint32_t base, max;
  switch (ch) {
    case 'a':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
    case 'v':
    case '\\':
      return false;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      n = 3, base = 8, max = 255;
      break;
    case 'x':
      ch = NextRune();
      n = 2, base = 16, max = 255;
      break;
    case 'u':
      ch = NextRune();
      n = 4, base = 16, max = kMaxRune;
      break;
    case 'U':
      ch = NextRune();
      n = 8, base = 16, max = kMaxRune;
      break;
    case kEofRune:
      *out = Error("escape sequence not terminated");
      return true;
    default:
      if (ch == string_open_) return false;
      *out = Error("unknown escape sequence " + GoUnicodeName(ch));
      return true;
  }
  uint32_t x = 0;
  while (n > 0) {
    uint32_t d = 16;
    if (ch >= '0' && ch <= '9') d = static_cast<uint32_t>(ch - '0');
    if (ch >= 'a' && ch <= 'f') d = static_cast<uint32_t>(ch - 'a' + 10);
    if (ch >= 'A' && ch <= 'F') d = static_cast<uint32_t>(ch - 'A' + 10);
    if (d >= base) {
      if (ch == kEofRune) {
        *out = Error("escape sequence not terminated");
      } else {
        *out = Error("illegal character " + GoUnicodeName(ch) + " in escape sequence");
      }
      return true;
    }
    x = x * base + d;
    if (--n > 0) ch = NextRune();
  }
  if (x > max || (x >= 0xD800 && x < 0xE000)) {
    *out = Error("escape sequence is an invalid Unicode code point");
    return true;
  }
  return false;
}

Token Lexer::LexString() {
  for (;;) {
    int32_t r = NextRune();
    if (r == '\\') {
      Token err;
      if (LexEscape(&err)) return err;
      continue;
    }
    // Go's decoder reports invalid bytes as U+FFFD; Prometheus rejects that rune even when it
    // is spelled out validly.
    if (r == static_cast<int32_t>(kRuneError)) return Error("invalid UTF-8 rune");
    if (r == kEofRune || r == '\n') return Error("unterminated quoted string");
    if (r == string_open_) break;
  }
  return Emit(TokenType::kString);
}

Token Lexer::LexRawString() {
  for (;;) {
    int32_t r = NextRune();
    if (r == static_cast<int32_t>(kRuneError)) return Error("invalid UTF-8 rune");
    if (r == kEofRune) return Error("unterminated raw string");
    if (r == '`') break;
  }
  return Emit(TokenType::kString);
}

bool Lexer::ScanNumber() {
  std::string_view digits = kDigits;
  // Hexadecimal is not allowed in series descriptions, where 'x' means repetition.
  if (!series_desc_ && Accept("0") && Accept("xX")) digits = kHexDigits;
  AcceptRun(digits);
  if (Accept(".")) AcceptRun(digits);
  if (Accept("eE")) {
    Accept("+-");
    AcceptRun(kDigits);
  }
  int32_t r = PeekRune();
  return (series_desc_ && r == 'x') || !IsAlphaNumeric(r);
}

bool Lexer::AcceptRemainingDuration() {
  if (!Accept("smhdwy")) return false;
  Accept("s");  // "ms"; impossible unit pairs are rejected when the duration is parsed
  while (Accept(kDigits)) {
    AcceptRun(kDigits);
    if (!Accept("smhdw")) return false;  // 'y' may only come first
    Accept("s");
  }
  return !IsAlphaNumeric(NextRune());
}

Token Lexer::LexDuration() {
  if (ScanNumber()) return Error("missing unit character in duration");
  if (!AcceptRemainingDuration()) {
    return Error("bad duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
  }
  Backup();
  return Emit(TokenType::kDuration);
}

Token Lexer::LexNumberOrDuration() {
  if (ScanNumber()) return Emit(TokenType::kNumber);
  if (AcceptRemainingDuration()) {
    Backup();
    return Emit(TokenType::kDuration);
  }
  return Error("bad number or duration syntax: " + GoQuote(input_.substr(start_, pos_ - start_)));
}

Token Lexer::LexIdentifier() {
  while (IsAlphaNumeric(NextRune())) {
  }
  Backup();
  return Emit(TokenType::kIdentifier);
}

Token Lexer::LexKeywordOrIdentifier() {
  for (;;) {
    int32_t r = NextRune();
    if (!IsAlphaNumeric(r) && r != ':') {
      Backup();
      break;
    }
  }
  std::string_view word =
      input_.substr(static_cast<size_t>(start_), static_cast<size_t>(pos_ - start_));
  TokenType type;
  Token t;
  if (LookupKeyword(word, &type)) {
    t = Emit(type);
  } else if (word.find(':') == std::string_view::npos) {
    t = Emit(TokenType::kIdentifier);
  } else {
    t = Emit(TokenType::kMetricIdentifier);
  }
  if (series_desc_) value_sequence_ = PeekRune() != '{';
  return t;
}

}  // namespace strata::promql::parser
