// The sample iterator interface over encoded chunk bytes, and its factory.
//
// Use this where the encoding is only known at run time (a chunk read from disk). Code that knows
// it has an XOR chunk and iterates in a hot loop should use the concrete XorIterator (xor.h),
// whose methods are not virtual.
#ifndef STRATA_TSDB_CHUNKENC_ITERATOR_H_
#define STRATA_TSDB_CHUNKENC_ITERATOR_H_

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/chunkenc/encoding.h"

namespace strata::tsdb::chunkenc {

// Iterates over the float samples of one chunk in timestamp order. Errors are sticky: Next() and
// Seek() return false and status() says why. Not thread-safe.
class Iterator {
 public:
  virtual ~Iterator() = default;

  // Advances to the next sample; false at the end or on error.
  virtual bool Next() = 0;
  // Advances to the first sample with timestamp >= t; false if there is none. Never moves
  // backwards: if the current sample already qualifies, nothing changes.
  virtual bool Seek(int64_t t) = 0;
  // The current sample. REQUIRES: the last Next()/Seek() returned true.
  virtual std::pair<int64_t, double> At() const = 0;
  virtual int64_t t() const = 0;
  virtual double v() const = 0;
  // OK, or why iteration stopped early (DataLoss for corrupt data).
  virtual absl::Status status() const = 0;
};

// An iterator over `bytes` (the chunk data without the encoding byte) in encoding `e`. kOOOXOR is
// read as kXOR. Unknown encodings give InvalidArgument; histogram encodings Unimplemented.
// Corrupt bytes are reported through the iterator's status(), not here.
// REQUIRES: `bytes` outlives the iterator.
absl::StatusOr<std::unique_ptr<Iterator>> NewIterator(Encoding e, std::string_view bytes);

// An iterator over no samples, with an OK status.
std::unique_ptr<Iterator> NewEmptyIterator();

}  // namespace strata::tsdb::chunkenc

#endif  // STRATA_TSDB_CHUNKENC_ITERATOR_H_
