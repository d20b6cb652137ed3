// Iterating samples stored in XOR chunks, clipped to a query's time range. Used for head and block
// series alike: chunks that do not overlap (in-order data) are read one after another; chunks that
// may overlap (OOO data, or the same series from several sources) are merged by time.
#ifndef STRATA_TSDB_QUERIER_CHUNK_SERIES_H_
#define STRATA_TSDB_QUERIER_CHUNK_SERIES_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "storage/storage.h"
#include "tsdb/chunkenc/xor.h"

namespace strata::tsdb::querier {

// A chunk's encoded XOR bytes (borrowed) and its time span (closed).
struct ChunkBytes {
  int64_t min_time;
  int64_t max_time;
  std::string_view bytes;
};

// Storage for chunk bytes that were copied (e.g. a head chunk still being appended to). A deque:
// growing it never moves the strings that views already point into.
using OwnedChunks = std::deque<std::string>;

// Iterates non-overlapping chunks sorted by time, yielding samples in [mint, maxt].
class ChunkSeqIterator final : public storage::SeriesIterator {
 public:
  ChunkSeqIterator(std::vector<ChunkBytes> chunks, int64_t mint, int64_t maxt);
  bool Next() override;
  bool Seek(int64_t t) override;
  storage::Sample At() const override { return {it_.t(), it_.v()}; }
  absl::Status status() const override { return status_; }

 private:
  bool OpenChunk(size_t i);
  bool Fail();

  std::vector<ChunkBytes> chunks_;
  const int64_t mint_, maxt_;
  size_t next_chunk_ = 0;
  bool valid_ = false;  // it_ is positioned on a sample in range
  chunkenc::XorIterator it_;
  absl::Status status_;
};

// A series iterator over `in_order` (non-overlapping, sorted) and `overlapping` chunks plus loose
// `extra` samples (sorted), merged by time with one sample per timestamp (in-order data wins).
// The iterator keeps `owned` alive; other chunk bytes must outlive it.
std::unique_ptr<storage::SeriesIterator> NewChunksIterator(std::vector<ChunkBytes> in_order,
                                                           std::vector<ChunkBytes> overlapping,
                                                           std::vector<storage::Sample> extra,
                                                           int64_t mint, int64_t maxt,
                                                           OwnedChunks owned = {});

// An iterator that yields nothing and reports `status`.
std::unique_ptr<storage::SeriesIterator> NewErrorIterator(absl::Status status);

}  // namespace strata::tsdb::querier

#endif  // STRATA_TSDB_QUERIER_CHUNK_SERIES_H_
