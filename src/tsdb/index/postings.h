// Postings: iterators over strictly increasing series references, and the set operations queries
// combine them with (Prometheus tsdb/index/postings.go).
//
// Semantics shared by every implementation:
// - A new iterator is positioned before its first element; At() is valid only after Next() or
//   Seek() returned true.
// - Errors are sticky: Next/Seek return false and status() says why (a clean end is OK).
// - Once Next/Seek returned false, every later call returns false.
// An iterator is used by one thread at a time.
#ifndef STRATA_TSDB_INDEX_POSTINGS_H_
#define STRATA_TSDB_INDEX_POSTINGS_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::tsdb::index {

class Postings {
 public:
  virtual ~Postings() = default;
  // Advances to the next reference; false at the end or on error.
  virtual bool Next() = 0;
  // Advances to the first reference >= v. If the current reference is already >= v the iterator
  // stays where it is (it never moves backwards). False if there is no such reference.
  virtual bool Seek(uint64_t v) = 0;
  // The current reference. REQUIRES: the last Next/Seek returned true.
  virtual uint64_t At() const = 0;
  virtual absl::Status status() const = 0;
};

// No references.
std::unique_ptr<Postings> EmptyPostings();
// No references, and `status` (which must not be OK) as its error.
std::unique_ptr<Postings> ErrPostings(absl::Status status);
// Iterates an owned, strictly increasing list.
std::unique_ptr<Postings> NewListPostings(std::vector<uint64_t> refs);
// Iterates a list of big-endian 32-bit references as stored in an index postings list (§4.5).
// REQUIRES: data.size() is a multiple of 4 and the bytes outlive the iterator. Seek uses binary
// search.
std::unique_ptr<Postings> NewBigEndianPostings(std::string_view data);

// References present in every input. No inputs → empty.
std::unique_ptr<Postings> Intersect(std::vector<std::unique_ptr<Postings>> its);
// References present in any input, each once. No inputs → empty.
std::unique_ptr<Postings> Merge(std::vector<std::unique_ptr<Postings>> its);
// References of `full` that are not in `drop`.
std::unique_ptr<Postings> Without(std::unique_ptr<Postings> full, std::unique_ptr<Postings> drop);

// Reads the remaining references of `p` into a vector, or returns its error.
absl::StatusOr<std::vector<uint64_t>> ExpandPostings(Postings& p);

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_POSTINGS_H_
