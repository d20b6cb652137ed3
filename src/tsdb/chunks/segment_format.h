// Constants of block chunk segment files (prometheus-tsdb-formats.md §2.1, §2.2, §2.4).
#ifndef STRATA_TSDB_CHUNKS_SEGMENT_FORMAT_H_
#define STRATA_TSDB_CHUNKS_SEGMENT_FORMAT_H_

#include <cstdint>
#include <string>

namespace strata::tsdb::chunks {

inline constexpr uint32_t kSegmentMagic = 0x85BD40DD;
inline constexpr uint8_t kSegmentFormatV1 = 1;
// be32 magic, u8 version, 3 zero bytes.
inline constexpr uint64_t kSegmentHeaderSize = 8;
// Readers decode the record length from at most this many bytes; writers budget it per chunk.
inline constexpr uint64_t kMaxChunkLengthFieldSize = 5;
inline constexpr uint64_t kChunkEncodingSize = 1;
inline constexpr uint64_t kChunkCrcSize = 4;
// Prometheus's --storage.tsdb.max-block-chunk-segment-size default.
inline constexpr uint64_t kDefaultMaxSegmentSizeBytes = uint64_t{512} << 20;

// "000001" for n = 1: segment files are numbered from 1, six digits, zero padded.
std::string SegmentFileName(uint64_t n);

// True if `name` is a segment file name: a non-empty string of decimal digits.
bool IsSegmentFileName(const std::string& name);

}  // namespace strata::tsdb::chunks

#endif  // STRATA_TSDB_CHUNKS_SEGMENT_FORMAT_H_
