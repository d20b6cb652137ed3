#include "tsdb/chunks/chunk_reader.h"

#include <algorithm>

#include "tsdb/chunks/chunk_meta.h"
#include "tsdb/chunks/segment_format.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::chunks {

absl::StatusOr<std::unique_ptr<ChunkReader>> ChunkReader::Open(Fs* fs, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(dir));
  std::unique_ptr<ChunkReader> r(new ChunkReader());
  // ListDir sorts by name, which is the order Prometheus numbers the segments in (§2.1).
  for (const std::string& name : names) {
    if (!IsSegmentFileName(name)) continue;
    Segment seg{JoinPath(dir, name), nullptr};
    ASSIGN_OR_RETURN(seg.region, fs->MapFile(seg.path));
    RETURN_IF_ERROR(CheckHeader(seg.path, seg.region->data()));
    r->segments_.push_back(std::move(seg));
  }
  return r;
}

absl::Status ChunkReader::CheckHeader(const std::string& path, std::string_view data) {
  if (data.size() < kSegmentHeaderSize) {
    return absl::DataLossError(
        StrCat("chunk segment ", path, ": invalid segment header, size ", data.size()));
  }
  if (uint32_t magic = DecodeBE32(data.data()); magic != kSegmentMagic) {
    return absl::DataLossError(
        StrCat("chunk segment ", path, ": invalid magic number ", absl::Hex(magic)));
  }
  if (uint8_t v = static_cast<uint8_t>(data[4]); v != kSegmentFormatV1) {
    return absl::DataLossError(
        StrCat("chunk segment ", path, ": invalid chunk format version ", int{v}));
  }
  return absl::OkStatus();
}

absl::StatusOr<RawChunk> ChunkReader::Chunk(uint64_t ref) const {
  const uint32_t seg_index = ChunkRefSegment(ref);
  const uint64_t start = ChunkRefOffset(ref);
  if (seg_index >= segments_.size()) {
    return absl::DataLossError(StrCat("chunk ref ", ref, ": segment index ", seg_index,
                                      " out of range (", segments_.size(), " segments)"));
  }
  const Segment& seg = segments_[seg_index];
  const std::string_view b = seg.region->data();
  auto fail = [&](const std::string& what) {
    return absl::DataLossError(StrCat("chunk segment ", seg.path, " offset ", start, ": ", what));
  };
  if (start < kSegmentHeaderSize) return fail("offset points into the segment header");
  if (start + kMaxChunkLengthFieldSize > b.size()) {
    return fail(StrCat("not enough bytes to read the chunk length, need ", kMaxChunkLengthFieldSize,
                       ", have ", b.size() - std::min<uint64_t>(start, b.size())));
  }
  uint64_t len = 0;
  const char* p = b.data() + start;
  const int n = DecodeUvarint(p, p + kMaxChunkLengthFieldSize, &len);
  if (n == 0) return fail("invalid chunk length");
  const uint64_t enc_pos = start + n;
  if (len > b.size() || enc_pos + kChunkEncodingSize + len + kChunkCrcSize > b.size()) {
    return fail(StrCat("chunk of ", len, " bytes overruns the segment (", b.size(), " bytes)"));
  }
  const std::string_view covered = b.substr(enc_pos, kChunkEncodingSize + len);
  const uint32_t expected = DecodeBE32(covered.data() + covered.size());
  if (uint32_t actual = crc32c::Value(covered); actual != expected) {
    return fail(
        StrCat("checksum mismatch expected:", absl::Hex(expected), ", actual:", absl::Hex(actual)));
  }
  RawChunk c{static_cast<uint8_t>(covered[0]), covered.substr(kChunkEncodingSize)};
  if (c.encoding < 1 || c.encoding > 3) {
    return fail(StrCat("invalid chunk encoding ", int{c.encoding}));
  }
  return c;
}

uint64_t ChunkReader::size_bytes() const {
  uint64_t n = 0;
  for (const Segment& s : segments_) n += s.region->data().size();
  return n;
}

}  // namespace strata::tsdb::chunks
