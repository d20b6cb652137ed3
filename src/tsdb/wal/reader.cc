#include "tsdb/wal/reader.h"

#include <snappy.h>

#include <algorithm>

#include "absl/strings/str_format.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::wal {
namespace {

// Snappy expands data by less than this factor (its best element, a 3-byte copy, yields 64
// bytes); a larger claimed length means the length header is damaged, and we must not allocate
// for it.
constexpr uint64_t kMaxSnappyExpansion = 64;

constexpr char kBadHeader[] = "invalid fragment header byte";

}  // namespace

absl::StatusOr<std::unique_ptr<Reader>> Reader::Open(Fs* fs, const SegmentRange& range,
                                                     const ReaderOptions& options) {
  ASSIGN_OR_RETURN(std::vector<SegmentFile> all, ListSegments(fs, range.dir));
  std::vector<Segment> segments;
  bool data_after = false;
  // From the last segment down, so each knows whether any later one holds data; sizes are only
  // needed up to the last non-empty segment.
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if ((range.first < 0 || it->index >= range.first) &&
        (range.last < 0 || it->index <= range.last)) {
      segments.push_back(Segment{*it, data_after});
    }
    if (!data_after) {
      ASSIGN_OR_RETURN(uint64_t size, fs->FileSize(it->path));
      data_after = size > 0;
    }
  }
  std::reverse(segments.begin(), segments.end());
  return std::unique_ptr<Reader>(new Reader(fs, std::move(segments), options));
}

bool Reader::Next() {
  record_ = {};
  if (done_ || !status_.ok()) return false;
  assembled_.clear();
  bool in_record = false;
  bool compressed = false;
  for (;;) {
    Fragment frag;
    switch (ReadFragment(in_record, &frag)) {
      case Step::kStop:
        return false;
      case Step::kSkipped:
        continue;
      case Step::kFragment:
        break;
    }
    // ReadFragment has checked that the type fits the sequence FULL | FIRST MIDDLE* LAST.
    if (frag.type == FragmentType::kFull) return Finish(frag.compressed, frag.data);
    if (frag.type == FragmentType::kFirst) {
      in_record = true;
      compressed = frag.compressed;
    } else if (frag.compressed != compressed) {
      return Fail(record_start_, frag.offset, "compression flag differs between fragments");
    }
    assembled_.append(frag.data);
    if (frag.type == FragmentType::kLast) return Finish(compressed, assembled_);
  }
}

bool Reader::OpenSegment() {
  if (cur_ >= segments_.size()) {
    done_ = true;
    return false;
  }
  absl::StatusOr<std::unique_ptr<ReadOnlyRegion>> region = fs_->MapFile(segments_[cur_].file.path);
  if (!region.ok()) {
    status_ = Annotate(region.status(), "read WAL segment");
    return false;
  }
  region_ = std::move(region).value();
  data_ = region_->data();
  off_ = 0;
  return true;
}

// Returns nullptr if a fragment with header byte `header` may come next, else what is wrong.
const char* Reader::CheckHeader(uint8_t header, bool in_record) {
  if ((header & kZstdFlag) != 0) return "zstd-compressed records are not supported";
  const auto type = static_cast<FragmentType>(header & kFragmentTypeMask);
  if ((header & ~(kFragmentTypeMask | kSnappyFlag)) != 0 || type > FragmentType::kLast) {
    return kBadHeader;
  }
  const bool starts = type == FragmentType::kFull || type == FragmentType::kFirst;
  if (starts == in_record) {
    return in_record ? "a new record starts before the last one ended"
                     : "continuation fragment without a first fragment";
  }
  return nullptr;
}

// Reads the fragment at off_, or skips padding, or moves to the next segment. Validates the
// header, the fragment's place in the record (`in_record`: a FIRST was read) and its CRC.
Reader::Step Reader::ReadFragment(bool in_record, Fragment* frag) {
  if (region_ == nullptr && !OpenSegment()) return Step::kStop;
  if (off_ >= data_.size()) {
    if (in_record) return EndIncomplete(record_start_);
    region_.reset();
    data_ = {};
    cur_++;
    return Step::kSkipped;
  }
  const uint64_t page_left = kPageSize - off_ % kPageSize;
  if (page_left < kFragmentHeaderSize || data_[off_] == 0) {
    return SkipPadding(in_record) ? Step::kSkipped : Step::kStop;
  }
  const Position here{segments_[cur_].file.index, off_};
  const Position start = in_record ? record_start_ : here;
  if (data_.size() - off_ < kFragmentHeaderSize) return EndIncomplete(start);

  const uint8_t header = static_cast<uint8_t>(data_[off_]);
  if (const char* error = CheckHeader(header, in_record); error != nullptr) {
    Fail(start, off_, error == kBadHeader ? absl::StrFormat("%s 0x%02x", error, header) : error);
    return Step::kStop;
  }
  const auto type = static_cast<FragmentType>(header & kFragmentTypeMask);
  const bool starts = !in_record;
  const uint64_t len = DecodeBE16(data_.data() + off_ + 1);
  if (len > page_left - kFragmentHeaderSize) {
    Fail(start, off_, StrCat("fragment length ", len, " crosses the page boundary"));
    return Step::kStop;
  }
  if (data_.size() - off_ - kFragmentHeaderSize < len) return EndIncomplete(start);
  const std::string_view data = data_.substr(off_ + kFragmentHeaderSize, len);
  if (crc32c::Value(data) != DecodeBE32(data_.data() + off_ + 3)) {
    Fail(start, off_, "fragment checksum mismatch");
    return Step::kStop;
  }
  if (starts) record_start_ = here;
  *frag = Fragment{type, (header & kSnappyFlag) != 0, data, off_};
  off_ += kFragmentHeaderSize + len;
  return Step::kFragment;
}

// The rest of the page (or of the file, if it ends first) must be zeros.
bool Reader::SkipPadding(bool in_record) {
  const uint64_t end = std::min<uint64_t>(off_ - off_ % kPageSize + kPageSize, data_.size());
  const char* begin = data_.data();
  const char* nonzero = std::find_if(begin + off_, begin + end, [](char c) { return c != 0; });
  if (nonzero != begin + end) {
    const uint64_t at = static_cast<uint64_t>(nonzero - begin);
    const Position start = in_record ? record_start_ : Position{segments_[cur_].file.index, off_};
    return Fail(start, at, "non-zero bytes in page padding");
  }
  off_ = end;
  return true;
}

Reader::Step Reader::EndIncomplete(Position start) {
  if (!segments_[cur_].data_after) {
    torn_tail_ = start;
    done_ = true;
    return Step::kStop;
  }
  Fail(start, data_.size(), "record cut off at the end of a segment followed by others");
  return Step::kStop;
}

bool Reader::Fail(Position at, uint64_t bad_offset, std::string_view what) {
  const SegmentFile& seg = segments_[cur_].file;
  status_ = absl::DataLossError(StrCat("WAL corruption in segment ", seg.index, " at offset ",
                                       bad_offset, " (", seg.path, "): ", what));
  corruption_ = at;
  return false;
}

bool Reader::Finish(bool compressed, std::string_view data) {
  if (!compressed || !options_.decompress) {
    record_ = data;
    return true;
  }
  size_t n = 0;
  if (!snappy::GetUncompressedLength(data.data(), data.size(), &n) ||
      n > kMaxSnappyExpansion * data.size() + kMaxSnappyExpansion) {
    return Fail(record_start_, record_start_.offset, "invalid snappy length header");
  }
  decompressed_.resize(n);
  if (!snappy::RawUncompress(data.data(), data.size(), decompressed_.data())) {
    return Fail(record_start_, record_start_.offset, "invalid snappy data");
  }
  record_ = decompressed_;
  return true;
}

}  // namespace strata::tsdb::wal
