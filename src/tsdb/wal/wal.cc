#include "tsdb/wal/wal.h"

#include <snappy.h>

#include <algorithm>

#include "tsdb/wal/reader.h"
#include "util/check.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::wal {
namespace {

// Pending bytes are handed to the file at this size even within one Log call, which bounds the
// buffer when a batch or a record is large.
constexpr size_t kPendingFlushBytes = 256 * 1024;
constexpr size_t kRetainedPendingBytes = 4 * 1024;

// Finds an incomplete record at the end of the last non-empty segment and cuts it off (with the
// empty segments after it: a crash may leave a new empty segment behind a torn one). A corrupt
// segment is left alone: replay reports it and the DB decides (Wal::Repair).
absl::StatusOr<std::optional<Position>> RepairTornTail(Fs* fs, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<SegmentFile> segs, ListSegments(fs, dir));
  auto it = segs.rbegin();
  for (; it != segs.rend(); ++it) {
    ASSIGN_OR_RETURN(uint64_t size, fs->FileSize(it->path));
    if (size > 0) break;
  }
  if (it == segs.rend()) return std::nullopt;
  ASSIGN_OR_RETURN(std::unique_ptr<Reader> reader,
                   Reader::Open(fs, SegmentRange{dir, it->index, it->index},
                                ReaderOptions{.decompress = false}));
  while (reader->Next()) {
  }
  if (!reader->status().ok()) {
    if (reader->status().code() == absl::StatusCode::kDataLoss) return std::nullopt;
    return reader->status();
  }
  if (!reader->torn_tail().has_value()) return std::nullopt;
  RETURN_IF_ERROR_CTX(Repair(fs, dir, *reader->torn_tail()), "cut torn WAL tail");
  return reader->torn_tail();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Wal>> Wal::Open(Fs* fs, std::string dir, const WalOptions& options) {
  if (options.segment_size_bytes == 0 || options.segment_size_bytes % kPageSize != 0) {
    return absl::InvalidArgumentError(StrCat("WAL segment size ", options.segment_size_bytes,
                                             " is not a positive multiple of ", kPageSize));
  }
  RETURN_IF_ERROR_CTX(fs->CreateDirs(dir), "open WAL");
  std::unique_ptr<Wal> wal(new Wal(fs, std::move(dir), options));
  if (options.repair_torn_tail) {
    ASSIGN_OR_RETURN(wal->repaired_torn_tail_, RepairTornTail(fs, wal->dir_));
  }
  ASSIGN_OR_RETURN(SegmentBounds bounds, wal::Segments(fs, wal->dir_));
  absl::MutexLock lock(&wal->mu_);
  RETURN_IF_ERROR_CTX(wal->Sticky(wal->CreateSegment(bounds.last + 1)), "open WAL");
  return wal;
}

Wal::~Wal() { (void)Close(); }

absl::Status Wal::Log(std::span<const std::string_view> records) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckWritable());
  for (std::string_view record : records) RETURN_IF_ERROR(Sticky(LogRecord(record)));
  // Not in WritePending: a record being logged may still point into the snappy scratch.
  if (compressed_.capacity() > kRetainedPendingBytes) std::string().swap(compressed_);
  RETURN_IF_ERROR(Sticky(WritePending()));
  return Sticky(file_->Flush());
}

// Splits one record into fragments (§6.2), cutting a new segment first if it does not fit.
absl::Status Wal::LogRecord(std::string_view record) {
  uint8_t flags = 0;
  if (options_.compress && !record.empty()) {
    compressed_.resize(snappy::MaxCompressedLength(record.size()));
    size_t n = 0;
    snappy::RawCompress(record.data(), record.size(), compressed_.data(), &n);
    if (n < record.size()) {  // incompressible records are stored as they are
      record = std::string_view(compressed_.data(), n);
      flags = kSnappyFlag;
    }
  }
  if (!FitsInSegment(record.size()) && (done_pages_ > 0 || page_used_ > 0)) {
    RETURN_IF_ERROR(CutSegment());
  }
  bool first = true;
  do {  // at least once: an empty record is one empty FULL fragment
    const uint64_t n =
        std::min<uint64_t>(record.size(), kPageSize - page_used_ - kFragmentHeaderSize);
    const bool last = n == record.size();
    FragmentType type = first ? (last ? FragmentType::kFull : FragmentType::kFirst)
                              : (last ? FragmentType::kLast : FragmentType::kMiddle);
    AppendFragment(static_cast<uint8_t>(type) | flags, record.substr(0, n));
    record.remove_prefix(n);
    first = false;
    if (pending_.size() >= kPendingFlushBytes) RETURN_IF_ERROR(WritePending());
  } while (!record.empty());
  return absl::OkStatus();
}

void Wal::AppendFragment(uint8_t header, std::string_view data) {
  char h[kFragmentHeaderSize];
  h[0] = static_cast<char>(header);
  EncodeBE16(static_cast<uint16_t>(data.size()), h + 1);
  EncodeBE32(crc32c::Value(data), h + 3);
  pending_.append(h, kFragmentHeaderSize);
  pending_.append(data);
  page_used_ += kFragmentHeaderSize + data.size();
  // No room for another header: the page is done; its rest is zero padding.
  if (kPageSize - page_used_ < kFragmentHeaderSize) {
    pending_.append(kPageSize - page_used_, '\0');
    page_used_ = 0;
    done_pages_++;
  }
}

// Whether `bytes` of record data fit the current segment, counting a header per page touched.
bool Wal::FitsInSegment(uint64_t bytes) const {
  const int64_t pages_per_segment = static_cast<int64_t>(options_.segment_size_bytes / kPageSize);
  const int64_t later_pages = pages_per_segment - static_cast<int64_t>(done_pages_) - 1;
  const int64_t left = static_cast<int64_t>(kPageSize - page_used_ - kFragmentHeaderSize) +
                       static_cast<int64_t>(kMaxFragmentDataSize) * later_pages;
  return static_cast<int64_t>(bytes) <= left;
}

absl::Status Wal::WritePending() {
  if (pending_.empty()) return absl::OkStatus();
  absl::Status s = file_->Append(pending_);
  // A large commit's buffer is not kept: an idle tenant would hold it for nothing.
  if (pending_.capacity() > kRetainedPendingBytes) {
    std::string().swap(pending_);
  } else {
    pending_.clear();
  }
  return s;
}

absl::Status Wal::FinishSegment() {
  DCHECK(file_ != nullptr);
  if (page_used_ > 0) {
    pending_.append(kPageSize - page_used_, '\0');
    page_used_ = 0;
    done_pages_++;
  }
  RETURN_IF_ERROR(WritePending());
  RETURN_IF_ERROR(file_->Sync());
  absl::Status s = file_->Close();
  file_.reset();
  return s;
}

absl::Status Wal::CreateSegment(int index) {
  ASSIGN_OR_RETURN(file_, fs_->NewWritableFile(SegmentName(dir_, index)));
  segment_ = index;
  done_pages_ = 0;
  page_used_ = 0;
  return fs_->SyncDir(dir_);  // the new name must survive a crash before the next sync
}

absl::Status Wal::CutSegment() {
  RETURN_IF_ERROR(FinishSegment());
  return CreateSegment(segment_ + 1);
}

absl::Status Wal::Sticky(absl::Status s) {
  if (!s.ok() && error_.ok()) error_ = s;
  return s;
}

absl::Status Wal::CheckWritable() const {
  if (closed_) return absl::FailedPreconditionError(StrCat("WAL ", dir_, " is closed"));
  return error_;
}

absl::Status Wal::Sync() {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckWritable());
  RETURN_IF_ERROR(Sticky(WritePending()));
  return Sticky(file_->Sync());
}

absl::StatusOr<int> Wal::NextSegment() {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(CheckWritable());
  RETURN_IF_ERROR(Sticky(CutSegment()));
  return segment_;
}

absl::StatusOr<SegmentBounds> Wal::Segments() { return wal::Segments(fs_, dir_); }

absl::Status Wal::Truncate(int index) {
  int current;
  {
    absl::MutexLock lock(&mu_);
    current = segment_;
  }
  // Segments below the current one are never written again, so no lock is needed to delete them.
  ASSIGN_OR_RETURN(std::vector<SegmentFile> segs, ListSegments(fs_, dir_));
  for (const SegmentFile& seg : segs) {  // lowest first: what remains stays consecutive
    if (seg.index >= index || seg.index >= current) break;
    RETURN_IF_ERROR_CTX(fs_->RemoveFile(seg.path), "truncate WAL");
  }
  return fs_->SyncDir(dir_);
}

absl::Status Wal::Repair(Position pos) {
  absl::MutexLock lock(&mu_);
  if (pos.segment > segment_) {
    return absl::InvalidArgumentError(
        StrCat("repair WAL at segment ", pos.segment, " beyond the current segment ", segment_));
  }
  RETURN_IF_ERROR(CheckWritable());
  // The current segment is about to be deleted or cut, so it is closed without padding.
  RETURN_IF_ERROR(Sticky(WritePending()));
  absl::Status closed = file_->Close();
  file_.reset();
  RETURN_IF_ERROR(Sticky(closed));
  RETURN_IF_ERROR(Sticky(wal::Repair(fs_, dir_, pos)));
  return Sticky(CreateSegment(pos.segment + 1));
}

absl::Status Wal::Close() {
  absl::MutexLock lock(&mu_);
  if (closed_) return error_;
  closed_ = true;
  // A failed Open (e.g. the repair of a torn tail could not write on a full disk) has no segment.
  if (file_ == nullptr) return error_;
  if (!error_.ok()) {
    if (file_ != nullptr) (void)file_->Close();
    file_.reset();
    return error_;
  }
  return Sticky(FinishSegment());
}

int Wal::current_segment() const {
  absl::MutexLock lock(&mu_);
  return segment_;
}

absl::Status Wal::status() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

}  // namespace strata::tsdb::wal
