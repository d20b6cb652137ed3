#include "tools/selector.h"

#include <string>

#include "util/go_strings.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tools {
namespace {

bool IsNameStart(char c, bool metric) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':');
}
bool IsNameChar(char c, bool metric) { return IsNameStart(c, metric) || (c >= '0' && c <= '9'); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : s_(text) {}

  absl::StatusOr<std::vector<labels::Matcher>> Parse();

 private:
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(StrCat("parse selector at offset ", pos_, ": ", what));
  }
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\n' || Peek() == '\r'))
      pos_++;
  }
  std::string_view Name(bool metric);
  absl::Status Matchers(std::vector<labels::Matcher>* out);
  absl::StatusOr<labels::Matcher> OneMatcher();
  absl::StatusOr<labels::MatchType> Op();
  absl::StatusOr<std::string> QuotedString();
  absl::Status Escape(char quote, std::string* out);
  absl::Status NumericEscape(char kind, std::string* out);

  std::string_view s_;
  size_t pos_ = 0;
};

std::string_view SelectorParser::Name(bool metric) {
  const size_t start = pos_;
  if (!IsNameStart(Peek(), metric)) return {};
  while (!AtEnd() && IsNameChar(Peek(), metric)) pos_++;
  return s_.substr(start, pos_ - start);
}

absl::StatusOr<std::vector<labels::Matcher>> SelectorParser::Parse() {
  std::vector<labels::Matcher> out;
  SkipSpace();
  const std::string_view metric = Name(/*metric=*/true);
  if (!metric.empty()) out.push_back(labels::Matcher::Equal("__name__", std::string(metric)));
  SkipSpace();
  if (Peek() == '{') {
    pos_++;
    RETURN_IF_ERROR(Matchers(&out));
  } else if (metric.empty()) {
    return Error("expected a metric name or '{'");
  }
  SkipSpace();
  if (!AtEnd()) return Error("unexpected characters after the selector");
  bool non_empty = false;
  for (size_t i = 0; i < out.size(); i++) {
    if (!out[i].MatchesEmpty()) non_empty = true;
    if (!metric.empty() && i > 0 && out[i].name() == "__name__") {
      return Error("metric name must not be set twice");
    }
  }
  if (!non_empty) return Error("selector must contain at least one non-empty matcher");
  return out;
}

// After '{': matchers separated by commas (a trailing comma is allowed), then '}'.
absl::Status SelectorParser::Matchers(std::vector<labels::Matcher>* out) {
  while (true) {
    SkipSpace();
    if (Peek() == '}') {
      pos_++;
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(labels::Matcher m, OneMatcher());
    out->push_back(std::move(m));
    SkipSpace();
    if (Peek() == ',') {
      pos_++;
    } else if (Peek() != '}') {
      return Error("expected ',' or '}'");
    }
  }
}

absl::StatusOr<labels::Matcher> SelectorParser::OneMatcher() {
  const std::string_view name = Name(/*metric=*/false);
  if (name.empty()) return Error("expected a label name");
  SkipSpace();
  ASSIGN_OR_RETURN(labels::MatchType type, Op());
  SkipSpace();
  ASSIGN_OR_RETURN(std::string value, QuotedString());
  auto m = labels::Matcher::Make(type, std::string(name), std::move(value));
  if (!m.ok()) return Error(std::string(m.status().message()));
  return m;
}

absl::StatusOr<labels::MatchType> SelectorParser::Op() {
  const std::string_view rest = s_.substr(pos_);
  struct OpText {
    std::string_view text;
    labels::MatchType type;
  };
  // Two-character operators first, so "=~" is not read as "=".
  for (const OpText& o :
       {OpText{"=~", labels::MatchType::kRegexMatch},
        OpText{"!~", labels::MatchType::kRegexNoMatch}, OpText{"!=", labels::MatchType::kNotEqual},
        OpText{"=", labels::MatchType::kEqual}}) {
    if (rest.substr(0, o.text.size()) == o.text) {
      pos_ += o.text.size();
      return o.type;
    }
  }
  return Error("expected one of =, !=, =~, !~");
}

absl::StatusOr<std::string> SelectorParser::QuotedString() {
  const char quote = Peek();
  if (quote != '"' && quote != '\'' && quote != '`') return Error("expected a quoted string");
  pos_++;
  std::string out;
  while (true) {
    if (AtEnd()) return Error("unterminated string");
    const char c = s_[pos_++];
    if (c == quote) return out;
    if (c == '\\' && quote != '`') {
      RETURN_IF_ERROR(Escape(quote, &out));
    } else if (c == '\n' && quote != '`') {
      return Error("newline in string");
    } else {
      out.push_back(c);
    }
  }
}

// After a backslash inside "..." or '...'.
absl::Status SelectorParser::Escape(char quote, std::string* out) {
  // Pairs of (escape letter, character it stands for).
  static constexpr std::string_view kSimple = "a\ab\bf\fn\nr\rt\tv\v\\\\";
  if (AtEnd()) return Error("unterminated string");
  const char c = s_[pos_++];
  for (size_t i = 0; i < kSimple.size(); i += 2) {
    if (kSimple[i] == c) {
      out->push_back(kSimple[i + 1]);
      return absl::OkStatus();
    }
  }
  if (c == quote) {
    out->push_back(c);
    return absl::OkStatus();
  }
  if (c == 'x' || c == 'u' || c == 'U') return NumericEscape(c, out);
  if (c >= '0' && c <= '7') {
    pos_--;
    return NumericEscape('0', out);
  }
  return Error("unknown escape sequence");
}

// \xHH (one byte), \OOO (one byte, octal), \uHHHH and \UHHHHHHHH (a code point, as UTF-8).
absl::Status SelectorParser::NumericEscape(char kind, std::string* out) {
  const int digits = kind == 'x' ? 2 : kind == '0' ? 3 : kind == 'u' ? 4 : 8;
  const int base = kind == '0' ? 8 : 16;
  uint32_t v = 0;
  for (int i = 0; i < digits; i++) {
    const int d = AtEnd() ? -1 : HexValue(s_[pos_]);
    if (d < 0 || d >= base) return Error("invalid numeric escape");
    v = v * base + d;
    pos_++;
  }
  if (kind == 'x' || kind == '0') {
    if (v > 0xFF) return Error("octal escape out of range");
    out->push_back(static_cast<char>(v));
    return absl::OkStatus();
  }
  if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return Error("invalid Unicode code point");
  AppendUtf8(out, static_cast<char32_t>(v));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<labels::Matcher>> ParseSeriesSelector(std::string_view text) {
  return SelectorParser(text).Parse();
}

}  // namespace strata::tools
