// Selecting series refs by label matchers, with Prometheus's semantics for matchers that match the
// empty string (a missing label has the value ""): Prometheus tsdb/querier.go PostingsForMatchers.
// Shared by the head (in-memory postings) and blocks (index postings).
#ifndef STRATA_TSDB_QUERIER_POSTINGS_FOR_MATCHERS_H_
#define STRATA_TSDB_QUERIER_POSTINGS_FOR_MATCHERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "labels/matcher.h"

namespace strata::tsdb::querier {

// What matcher evaluation needs of an index. Lists are sorted, deduplicated series refs.
class PostingsIndex {
 public:
  virtual ~PostingsIndex() = default;
  // Sorted values of label `name` ("" has none).
  virtual absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) = 0;
  // Union of the postings of name=v for every v in `values`; name "" and value "" = all series.
  virtual absl::StatusOr<std::vector<uint64_t>> Postings(std::string_view name,
                                                          const std::vector<std::string>& values) = 0;
};

// Refs of the series matching every matcher. With no matchers: all series.
absl::StatusOr<std::vector<uint64_t>> PostingsForMatchers(PostingsIndex& index,
                                                          const std::vector<labels::Matcher>& ms);

// Sorted-vector set operations.
std::vector<uint64_t> IntersectSorted(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);
std::vector<uint64_t> SubtractSorted(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

}  // namespace strata::tsdb::querier

#endif  // STRATA_TSDB_QUERIER_POSTINGS_FOR_MATCHERS_H_
