#include "promql/parser/regexp_error.h"

#include "re2/re2.h"
#include "util/strings.h"

namespace strata::promql::parser {
namespace {

// Go's regexp/syntax ErrorCode strings for the RE2 codes that have a Go counterpart.
std::string_view GoProblem(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape:
      return "invalid escape sequence";
    case RE2::ErrorBadCharClass:
      return "invalid character class";
    case RE2::ErrorBadCharRange:
      return "invalid character class range";
    case RE2::ErrorMissingBracket:
      return "missing closing ]";
    case RE2::ErrorMissingParen:
      return "missing closing )";
    case RE2::ErrorUnexpectedParen:
      return "unexpected )";
    case RE2::ErrorTrailingBackslash:
      return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument:
      return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize:
      return "invalid repeat count";
    case RE2::ErrorRepeatOp:
      return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp:
      return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8:
      return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture:
      return "invalid named capture";
    case RE2::ErrorPatternTooLarge:
      return "expression too large";
    default:
      return "regexp/syntax: internal error";
  }
}

struct Re2Error {
  RE2::ErrorCode code;
  std::string arg;
};

std::optional<Re2Error> Compile(const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  RE2 compiled(pattern, options);
  if (compiled.ok()) return std::nullopt;
  return Re2Error{compiled.error_code(), compiled.error_arg()};
}

// The first {m,n} repetition in `s` that Go rejects as a count (m > n or above 1000).
std::optional<std::string> BadRepeatCount(std::string_view s) {
  for (size_t open = s.find('{'); open != std::string_view::npos; open = s.find('{', open + 1)) {
    size_t close = s.find('}', open);
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view body = s.substr(open + 1, close - open - 1);
    size_t comma = body.find(',');
    auto number = [](std::string_view d, long* out) {
      if (d.empty() || d.size() > 8) return false;
      *out = 0;
      for (char c : d) {
        if (c < '0' || c > '9') return false;
        *out = *out * 10 + (c - '0');
      }
      return true;
    };
    long lo = 0, hi = -1;
    if (!number(body.substr(0, comma), &lo)) continue;
    if (comma != std::string_view::npos && comma + 1 < body.size() &&
        !number(body.substr(comma + 1), &hi)) {
      continue;
    }
    if (comma == std::string_view::npos) hi = lo;
    if (lo > 1000 || hi > 1000 || (hi >= 0 && lo > hi)) {
      return std::string(s.substr(open, close - open + 1));
    }
  }
  return std::nullopt;
}

std::string Message(const Re2Error& e) {
  // Go checks a repetition's count before whether it repeats a repetition, and leaves a
  // trailing non-greedy '?' out of the fragment.
  if (e.code == RE2::ErrorRepeatOp || e.code == RE2::ErrorRepeatSize) {
    if (std::optional<std::string> count = BadRepeatCount(e.arg)) {
      return StrCat("error parsing regexp: invalid repeat count: `", *count, "`");
    }
  }
  return StrCat("error parsing regexp: ", GoProblem(e.code), ": `", e.arg, "`");
}

// Where RE2's error is, to order it against a \C that Go would have stopped at first. Go
// notices missing closers only at the end.
size_t ErrorPosition(std::string_view pattern, const Re2Error& e) {
  if (e.code == RE2::ErrorMissingParen) return pattern.size();
  if (e.code == RE2::ErrorUnexpectedParen) {
    int depth = 0;
    for (size_t i = 0; i < pattern.size(); i++) {
      if (pattern[i] == '\\') {
        i++;
      } else if (pattern[i] == '(') {
        depth++;
      } else if (pattern[i] == ')' && --depth < 0) {
        return i;
      }
    }
    return pattern.size();
  }
  size_t pos = pattern.find(e.arg);
  return pos == std::string_view::npos ? 0 : pos;
}

// Position of the first \C escape (any byte), which RE2 accepts and Go does not; \Q...\E
// quotes its contents.
size_t AnyByteEscape(std::string_view re) {
  for (size_t i = 0; i + 1 < re.size(); i++) {
    if (re[i] != '\\') continue;
    if (re[i + 1] == 'C') return i;
    if (re[i + 1] == 'Q') {
      size_t end = re.find("\\E", i + 2);
      if (end == std::string_view::npos) return std::string_view::npos;
      i = end;
    }
    i++;
  }
  return std::string_view::npos;
}

constexpr std::string_view kAnyByteError = "error parsing regexp: invalid escape sequence: `\\C`";

}  // namespace

std::optional<std::string> GoRegexpError(std::string_view re) {
  // Prometheus compiles the anchored form first, then parses the expression alone.
  std::string anchored = StrCat("^(?:", re, ")$");
  size_t any_byte = AnyByteEscape(anchored);
  if (std::optional<Re2Error> e = Compile(anchored)) {
    if (any_byte < ErrorPosition(anchored, *e)) return std::string(kAnyByteError);
    return Message(*e);
  }
  if (any_byte != std::string_view::npos) return std::string(kAnyByteError);
  if (std::optional<Re2Error> e = Compile(std::string(re))) return Message(*e);
  return std::nullopt;
}

}  // namespace strata::promql::parser
