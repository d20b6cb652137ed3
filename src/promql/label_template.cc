// label_replace's replacement templates, expanded as Go's Regexp.Expand does.
#include "promql/functions.h"
#include "promql/parser/go_strings.h"
#include "re2/re2.h"

namespace strata::promql::internal {
namespace {

// Go's unicode.IsLetter / IsDigit for the ASCII range; any other rune counts as a letter (an
// approximation: names in templates are ASCII in practice).
bool IsNameRune(char32_t r) {
  return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r == '_' ||
         r >= 0x80;
}

// Parses the name after a '$': `name` or `{name}`. num is its value if it is a group number
// (no leading zero), else -1. False if malformed (the '$' is then literal text).
bool ExtractName(std::string_view s, std::string_view* name, int* num, std::string_view* rest) {
  if (s.empty()) return false;
  bool brace = s[0] == '{';
  if (brace) s.remove_prefix(1);
  size_t i = 0;
  while (i < s.size()) {
    parser::DecodedRune r = parser::DecodeRune(s.substr(i));
    if (!IsNameRune(r.rune)) break;
    i += static_cast<size_t>(r.width);
  }
  if (i == 0) return false;
  *name = s.substr(0, i);
  if (brace) {
    if (i >= s.size() || s[i] != '}') return false;
    i++;
  }
  *num = 0;
  for (char c : *name) {
    if (c < '0' || c > '9' || *num >= 100000000) {
      *num = -1;
      break;
    }
    *num = *num * 10 + (c - '0');
  }
  if ((*name)[0] == '0' && name->size() > 1) *num = -1;
  *rest = s.substr(i);
  return true;
}

}  // namespace

void ExpandTemplate(const re2::RE2& re, std::string_view tmpl,
                    const std::vector<std::string_view>& groups, std::string* out) {
  while (!tmpl.empty()) {
    size_t dollar = tmpl.find('$');
    if (dollar == std::string_view::npos) break;
    out->append(tmpl.substr(0, dollar));
    tmpl.remove_prefix(dollar + 1);
    if (!tmpl.empty() && tmpl[0] == '$') {
      out->push_back('$');
      tmpl.remove_prefix(1);
      continue;
    }
    std::string_view name, rest;
    int num;
    if (!ExtractName(tmpl, &name, &num, &rest)) {
      out->push_back('$');
      continue;
    }
    tmpl = rest;
    if (num >= 0) {
      if (static_cast<size_t>(num) < groups.size() && groups[num].data() != nullptr) {
        out->append(groups[num]);
      }
      continue;
    }
    // The first group of that name that took part in the match.
    for (const auto& [index, group_name] : re.CapturingGroupNames()) {
      if (group_name == name && static_cast<size_t>(index) < groups.size() &&
          groups[index].data() != nullptr) {
        out->append(groups[index]);
        break;
      }
    }
  }
  out->append(tmpl);
}

}  // namespace strata::promql::internal
