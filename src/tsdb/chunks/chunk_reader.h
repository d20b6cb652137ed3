// Reads chunks out of a block's chunk segment files by reference (prometheus-tsdb-formats.md §2).
//
// Every segment is memory-mapped at Open; Chunk() returns views into the mappings, which stay
// valid as long as the reader. A reader is immutable after Open and safe to use from many threads.
#ifndef STRATA_TSDB_CHUNKS_CHUNK_READER_H_
#define STRATA_TSDB_CHUNKS_CHUNK_READER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "util/fs.h"

namespace strata::tsdb::chunks {

// A chunk as stored: its encoding byte and encoded bytes (a view into the segment file).
struct RawChunk {
  uint8_t encoding = 0;
  std::string_view data;
};

class ChunkReader {
 public:
  // Maps every entry of `dir` whose name is a decimal number, in name order, and checks each
  // file's 8-byte header (size, magic, version). DataLoss names the file on a bad header.
  // REQUIRES: `fs` outlives the call (the mappings do not depend on it afterwards).
  static absl::StatusOr<std::unique_ptr<ChunkReader>> Open(Fs* fs, const std::string& dir);

  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // The chunk at `ref` (§2.3), after checking its record (§2.2): the segment exists, the length
  // field and the record fit in the file, the CRC matches and the encoding is one a block may
  // hold (1, 2 or 3). Any failure is DataLoss naming the file and offset.
  absl::StatusOr<RawChunk> Chunk(uint64_t ref) const;

  size_t num_segments() const { return segments_.size(); }
  // Total bytes of all segment files.
  uint64_t size_bytes() const;

 private:
  struct Segment {
    std::string path;
    std::unique_ptr<ReadOnlyRegion> region;
  };
  ChunkReader() = default;
  static absl::Status CheckHeader(const std::string& path, std::string_view data);

  std::vector<Segment> segments_;
};

}  // namespace strata::tsdb::chunks

#endif  // STRATA_TSDB_CHUNKS_CHUNK_READER_H_
