// Label matchers: the `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"` terms of a series
// selector (Prometheus model/labels/matcher.go).
//
// A series without the label matches as if its value were "": {foo=""} selects series without
// foo, {foo!=""} those with it, {foo=~".*"} all of them (RE2 semantics: "." does not match "\n",
// as in Prometheus 2.x). Regular expressions use RE2 syntax (the same as Go's regexp) and must
// match the whole value, as if written ^(?:re)$.
//
// Matchers are immutable values; copies share the compiled regular expression, so copying is
// cheap and a Matcher may be used from several threads at once.
#ifndef STRATA_LABELS_MATCHER_H_
#define STRATA_LABELS_MATCHER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace strata::labels {

enum class MatchType { kEqual, kNotEqual, kRegexMatch, kRegexNoMatch };

// "=", "!=", "=~", "!~".
std::string_view MatchTypeString(MatchType t);

class Matcher {
 public:
  // Creates a matcher. For the regex types `value` is compiled with RE2; a bad expression gives
  // InvalidArgument carrying RE2's message.
  static absl::StatusOr<Matcher> Make(MatchType type, std::string name, std::string value);
  // Shorthands for the types that cannot fail.
  static Matcher Equal(std::string name, std::string value);
  static Matcher NotEqual(std::string name, std::string value);

  MatchType type() const { return type_; }
  const std::string& name() const { return name_; }
  const std::string& value() const { return value_; }
  bool IsRegex() const {
    return type_ == MatchType::kRegexMatch || type_ == MatchType::kRegexNoMatch;
  }

  // Whether a label value (the empty string for a missing label) satisfies the matcher.
  bool Matches(std::string_view v) const;
  // Matches(""): whether series WITHOUT the label are selected.
  bool MatchesEmpty() const { return matches_empty_; }

  // The matcher of the opposite type (= vs !=, =~ vs !~), sharing the compiled expression.
  Matcher Inverse() const;

  // For regex matchers whose expression is a literal or an alternation of literals (a|b|c): those
  // literals, in order of appearance without duplicates, so an index can look up their postings
  // directly. For kRegexMatch they are exactly the matching values; for kRegexNoMatch exactly
  // the non-matching ones. Empty for anything else (including = and != matchers).
  const std::vector<std::string>& SetMatches() const;

  // Prometheus's text form: name="value", name!="value", name=~"re", name!~"re", with the value
  // quoted like Go's %q.
  std::string ToString() const;

  friend bool operator==(const Matcher& a, const Matcher& b) {
    return a.type_ == b.type_ && a.name_ == b.name_ && a.value_ == b.value_;
  }

 private:
  class Regex;
  Matcher(MatchType type, std::string name, std::string value, std::shared_ptr<const Regex> re);

  MatchType type_;
  bool matches_empty_ = false;
  std::string name_;
  std::string value_;
  std::shared_ptr<const Regex> re_;  // set for the regex types only
};

}  // namespace strata::labels

#endif  // STRATA_LABELS_MATCHER_H_
