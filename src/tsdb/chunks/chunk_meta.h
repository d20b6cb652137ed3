// A reference to one chunk in a block's chunk segment files, with the chunk's time range: what the
// index stores per chunk (prometheus-tsdb-formats.md §2.3, §4.3).
#ifndef STRATA_TSDB_CHUNKS_CHUNK_META_H_
#define STRATA_TSDB_CHUNKS_CHUNK_META_H_

#include <cstdint>

namespace strata::tsdb::chunks {

// ref = segment_index << 32 | byte offset of the record in that segment. segment_index is the
// 0-based position of the file among the sorted segment files (000001 → 0), not its number.
inline constexpr uint64_t MakeChunkRef(uint32_t segment_index, uint32_t offset) {
  return (uint64_t{segment_index} << 32) | offset;
}
inline constexpr uint32_t ChunkRefSegment(uint64_t ref) { return static_cast<uint32_t>(ref >> 32); }
inline constexpr uint32_t ChunkRefOffset(uint64_t ref) { return static_cast<uint32_t>(ref); }

struct ChunkMeta {
  uint64_t ref = 0;
  int64_t min_time = 0;  // timestamp of the chunk's first sample, ms
  int64_t max_time = 0;  // timestamp of the chunk's last sample, ms (closed)
  friend bool operator==(const ChunkMeta&, const ChunkMeta&) = default;
};

}  // namespace strata::tsdb::chunks

#endif  // STRATA_TSDB_CHUNKS_CHUNK_META_H_
