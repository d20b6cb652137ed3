#include "labels/matcher.h"

#include <algorithm>
#include <utility>

#include "re2/re2.h"
#include "util/check.h"
#include "util/strings.h"

#include "util/go_strings.h"

namespace strata::labels {
namespace {

// Characters with a meaning in RE2 syntax outside a character class.
bool IsMeta(char c) {
  return std::string_view(".+*?()|[]{}^$\\").find(c) != std::string_view::npos;
}

// Splits `pattern` into the literals of an alternation like `a|b\.c|d`, unescaping `\<meta>`.
// Returns false if the pattern uses anything but literals, escaped meta characters and `|`.
// REQUIRES: RE2 accepted the pattern (so a trailing lone backslash cannot occur, etc.).
bool SplitLiteralAlternation(std::string_view pattern, std::vector<std::string>* out) {
  std::string cur;
  for (size_t i = 0; i < pattern.size(); i++) {
    const char c = pattern[i];
    if (c == '|') {
      out->push_back(std::move(cur));
      cur.clear();
    } else if (c == '\\') {
      if (i + 1 == pattern.size()) return false;
      const char e = pattern[++i];
      if (!IsMeta(e) && e != '-' && e != '/') return false;  // \d, \n, \x41, \Q... are not plain
      cur.push_back(e);
    } else if (IsMeta(c)) {
      return false;
    } else {
      cur.push_back(c);
    }
  }
  out->push_back(std::move(cur));
  // Keep the first occurrence of each literal.
  std::vector<std::string> unique;
  for (std::string& s : *out) {
    if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(std::move(s));
  }
  *out = std::move(unique);
  return true;
}

const std::vector<std::string>& EmptySet() {
  static const auto* empty = new std::vector<std::string>();
  return *empty;
}

}  // namespace

// The compiled form of a regex matcher's value, shared by copies of the Matcher. Common shapes
// avoid running RE2 at all.
class Matcher::Regex {
 public:
  static absl::StatusOr<std::shared_ptr<const Regex>> Compile(const std::string& pattern);

  bool Matches(std::string_view v) const {
    switch (kind_) {
      case Kind::kSet:
        if (set_.size() <= kLinearSetMax) {
          return std::find(set_.begin(), set_.end(), v) != set_.end();
        }
        return std::binary_search(sorted_set_.begin(), sorted_set_.end(), v, std::less<>());
      case Kind::kAnyNoNewline:
        return v.find('\n') == std::string_view::npos;
      case Kind::kNonEmptyNoNewline:
        return !v.empty() && v.find('\n') == std::string_view::npos;
      case Kind::kGeneral:
        return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re2_);
    }
    return false;
  }

  const std::vector<std::string>& set() const { return kind_ == Kind::kSet ? set_ : EmptySet(); }

 private:
  enum class Kind {
    kSet,                // a literal or an alternation of literals
    kAnyNoNewline,       // .*
    kNonEmptyNoNewline,  // .+
    kGeneral,            // anything else: RE2
  };
  // Up to this many literals a linear scan beats a binary search.
  static constexpr size_t kLinearSetMax = 8;

  Kind kind_ = Kind::kGeneral;
  std::vector<std::string> set_;         // kSet: in order of appearance
  std::vector<std::string> sorted_set_;  // kSet with many literals: sorted
  std::unique_ptr<RE2> re2_;             // kGeneral
};

absl::StatusOr<std::shared_ptr<const Matcher::Regex>> Matcher::Regex::Compile(
    const std::string& pattern) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_never_capture(true);
  // Compiled unanchored and run with RE2::FullMatch: the same as ^(?:re)$, but a pattern such as
  // "a)|(b" stays an error instead of turning valid inside the added parentheses.
  auto re2 = std::make_unique<RE2>(re2::StringPiece(pattern), opts);
  if (!re2->ok()) {
    return absl::InvalidArgumentError(
        StrCat("invalid regular expression \"", pattern, "\": ", re2->error()));
  }
  auto re = std::make_shared<Regex>();
  if (pattern == ".*") {
    re->kind_ = Kind::kAnyNoNewline;
  } else if (pattern == ".+") {
    re->kind_ = Kind::kNonEmptyNoNewline;
  } else if (SplitLiteralAlternation(pattern, &re->set_)) {
    re->kind_ = Kind::kSet;
    if (re->set_.size() > kLinearSetMax) {
      re->sorted_set_ = re->set_;
      std::sort(re->sorted_set_.begin(), re->sorted_set_.end());
    }
  } else {
    re->set_.clear();
    re->kind_ = Kind::kGeneral;
    re->re2_ = std::move(re2);
  }
  return std::shared_ptr<const Regex>(std::move(re));
}

// ---------------------------------------------------------------------------------------------

std::string_view MatchTypeString(MatchType t) {
  switch (t) {
    case MatchType::kEqual:
      return "=";
    case MatchType::kNotEqual:
      return "!=";
    case MatchType::kRegexMatch:
      return "=~";
    case MatchType::kRegexNoMatch:
      return "!~";
  }
  return "?";
}

Matcher::Matcher(MatchType type, std::string name, std::string value,
                 std::shared_ptr<const Regex> re)
    : type_(type), name_(std::move(name)), value_(std::move(value)), re_(std::move(re)) {
  DCHECK(IsRegex() == (re_ != nullptr));
  matches_empty_ = Matches("");
}

absl::StatusOr<Matcher> Matcher::Make(MatchType type, std::string name, std::string value) {
  if (type != MatchType::kRegexMatch && type != MatchType::kRegexNoMatch) {
    return Matcher(type, std::move(name), std::move(value), nullptr);
  }
  auto re = Regex::Compile(value);
  if (!re.ok()) return re.status();
  return Matcher(type, std::move(name), std::move(value), *std::move(re));
}

Matcher Matcher::Equal(std::string name, std::string value) {
  return Matcher(MatchType::kEqual, std::move(name), std::move(value), nullptr);
}

Matcher Matcher::NotEqual(std::string name, std::string value) {
  return Matcher(MatchType::kNotEqual, std::move(name), std::move(value), nullptr);
}

bool Matcher::Matches(std::string_view v) const {
  switch (type_) {
    case MatchType::kEqual:
      return v == value_;
    case MatchType::kNotEqual:
      return v != value_;
    case MatchType::kRegexMatch:
      return re_->Matches(v);
    case MatchType::kRegexNoMatch:
      return !re_->Matches(v);
  }
  return false;
}

Matcher Matcher::Inverse() const {
  static constexpr MatchType kInverse[] = {MatchType::kNotEqual, MatchType::kEqual,
                                           MatchType::kRegexNoMatch, MatchType::kRegexMatch};
  return Matcher(kInverse[static_cast<int>(type_)], name_, value_, re_);
}

const std::vector<std::string>& Matcher::SetMatches() const {
  return re_ != nullptr ? re_->set() : EmptySet();
}

std::string Matcher::ToString() const {
  std::string out = name_;
  out.append(MatchTypeString(type_));
  AppendGoQuote(&out, value_);
  return out;
}

}  // namespace strata::labels
