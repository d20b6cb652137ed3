#include "tsdb/querier/postings_for_matchers.h"

#include <algorithm>
#include <iterator>

#include "util/status_macros.h"

namespace strata::tsdb::querier {
namespace {

using labels::MatchType;

// Refs of series whose label m.name() has a value for which `keep(value)` holds.
template <typename Pred>
absl::StatusOr<std::vector<uint64_t>> PostingsWhere(PostingsIndex& index, const labels::Matcher& m,
                                                     Pred keep) {
  ASSIGN_OR_RETURN(std::vector<std::string> values, index.LabelValues(m.name()));
  std::vector<std::string> matching;
  for (std::string& v : values) {
    if (keep(v)) matching.push_back(std::move(v));
  }
  if (matching.empty()) return std::vector<uint64_t>{};
  return index.Postings(m.name(), matching);
}

}  // namespace

std::vector<uint64_t> IntersectSorted(const std::vector<uint64_t>& a,
                                      const std::vector<uint64_t>& b) {
  std::vector<uint64_t> out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::vector<uint64_t> SubtractSorted(const std::vector<uint64_t>& a,
                                     const std::vector<uint64_t>& b) {
  std::vector<uint64_t> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

absl::StatusOr<std::vector<uint64_t>> PostingsForMatchers(PostingsIndex& index,
                                                          const std::vector<labels::Matcher>& ms) {
  if (ms.empty()) return index.Postings("", {""});
  std::vector<std::vector<uint64_t>> include;  // intersect these
  std::vector<std::vector<uint64_t>> exclude;  // then remove these
  const bool all_match_empty =
      std::all_of(ms.begin(), ms.end(), [](const labels::Matcher& m) { return m.Matches(""); });
  if (all_match_empty) {
    // Only matchers that also select series lacking the label: start from every series.
    ASSIGN_OR_RETURN(include.emplace_back(), index.Postings("", {""}));
  }
  for (const labels::Matcher& m : ms) {
    if (m.Matches("")) {
      // The series to drop are those that HAVE the label with a value the matcher rejects.
      ASSIGN_OR_RETURN(exclude.emplace_back(),
                       PostingsWhere(index, m, [&m](std::string_view v) { return !m.Matches(v); }));
    } else if (m.type() == MatchType::kEqual) {
      // One list: no need to scan the label's values.
      ASSIGN_OR_RETURN(include.emplace_back(), index.Postings(m.name(), {m.value()}));
    } else {
      ASSIGN_OR_RETURN(include.emplace_back(),
                       PostingsWhere(index, m, [&m](std::string_view v) { return m.Matches(v); }));
    }
  }
  if (include.empty()) return std::vector<uint64_t>{};
  // Intersect smallest first so the working set shrinks fastest.
  std::sort(include.begin(), include.end(),
            [](const auto& a, const auto& b) { return a.size() < b.size(); });
  std::vector<uint64_t> result = std::move(include.front());
  for (size_t i = 1; i < include.size() && !result.empty(); i++) {
    result = IntersectSorted(result, include[i]);
  }
  for (const auto& e : exclude) {
    if (result.empty()) break;
    result = SubtractSorted(result, e);
  }
  return result;
}

}  // namespace strata::tsdb::querier
