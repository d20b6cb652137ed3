#include "tsdb/chunks/chunk_writer.h"

#include <limits>

#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::chunks {

absl::StatusOr<std::unique_ptr<ChunkWriter>> ChunkWriter::Open(Fs* fs, std::string dir,
                                                               ChunkWriterOptions options) {
  // Record offsets are 32-bit (§2.3), so a segment may not grow past 4 GiB.
  if (options.max_segment_size_bytes <= kSegmentHeaderSize ||
      options.max_segment_size_bytes > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(StrCat("chunk writer: max segment size ",
                                             options.max_segment_size_bytes, " out of range (",
                                             kSegmentHeaderSize + 1, "..4 GiB)"));
  }
  RETURN_IF_ERROR_CTX(fs->CreateDirs(dir), "chunk writer");
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(dir));
  for (const std::string& name : names) {
    if (IsSegmentFileName(name)) {
      return absl::FailedPreconditionError(
          StrCat("chunk writer: ", dir, " already holds segment file ", name));
    }
  }
  return std::unique_ptr<ChunkWriter>(new ChunkWriter(fs, std::move(dir), options));
}

ChunkWriter::~ChunkWriter() {
  if (file_ != nullptr) (void)file_->Close();
}

// Mirrors the 2.42 writer's batching (§2.4). Each chunk is budgeted at its worst-case record
// size. While the current file already holds chunks, a chunk starts a new file as soon as the
// file plus the chunks of this call up to and including it would exceed the limit. After such a
// cut (or when the file held only its header), the budget restarts and counts the header instead;
// a file's first chunk is never moved, so no file stays empty.
void ChunkWriter::PlanCuts(std::span<const ChunkToWrite> chunks, std::vector<size_t>* cuts) const {
  const uint64_t limit = options_.max_segment_size_bytes;
  bool against_current_file = cur_size_ > kSegmentHeaderSize;
  uint64_t batch = 0;
  for (size_t i = 0; i < chunks.size(); i++) {
    const uint64_t size =
        kMaxChunkLengthFieldSize + kChunkEncodingSize + chunks[i].data.size() + kChunkCrcSize;
    batch += size;
    bool cut;
    if (against_current_file) {
      cut = batch + cur_size_ > limit;
      if (cut) against_current_file = false;
    } else {
      cut = i != 0 && batch + kSegmentHeaderSize > limit;
    }
    if (cut) {
      cuts->push_back(i);
      batch = size;
    }
  }
}

absl::Status ChunkWriter::WriteChunks(std::span<ChunkToWrite> chunks) {
  if (!status_.ok()) return status_;
  if (closed_) return absl::FailedPreconditionError("chunk writer: WriteChunks after Close");
  if (chunks.empty()) return absl::OkStatus();
  std::vector<size_t> cuts;
  PlanCuts(chunks, &cuts);
  size_t next_cut = 0;
  if (file_ == nullptr) status_ = Cut();
  for (size_t i = 0; i < chunks.size() && status_.ok(); i++) {
    if (next_cut < cuts.size() && cuts[next_cut] == i) {
      next_cut++;
      status_ = Cut();
      if (!status_.ok()) break;
    }
    status_ = WriteOne(chunks[i]);
  }
  return status_;
}

absl::Status ChunkWriter::WriteOne(ChunkToWrite& chunk) {
  if (cur_size_ > std::numeric_limits<uint32_t>::max()) {
    return absl::InternalError(StrCat("chunk writer: offset ", cur_size_, " exceeds 32 bits"));
  }
  buf_.clear();
  PutUvarint(&buf_, chunk.data.size());
  const size_t crc_start = buf_.size();
  buf_.push_back(static_cast<char>(chunk.encoding));
  buf_.append(chunk.data);
  PutBE32(&buf_, crc32c::Value(std::string_view(buf_).substr(crc_start)));
  RETURN_IF_ERROR_CTX(file_->Append(buf_), "write chunk");
  chunk.ref =
      MakeChunkRef(static_cast<uint32_t>(num_segments_ - 1), static_cast<uint32_t>(cur_size_));
  cur_size_ += buf_.size();
  return absl::OkStatus();
}

absl::Status ChunkWriter::FinishFile() {
  if (file_ == nullptr) return absl::OkStatus();
  std::unique_ptr<WritableFile> f = std::move(file_);
  RETURN_IF_ERROR_CTX(f->Sync(), "finish chunk segment");
  RETURN_IF_ERROR_CTX(f->Close(), "finish chunk segment");
  finished_bytes_ += cur_size_;
  cur_size_ = 0;
  return absl::OkStatus();
}

absl::Status ChunkWriter::Cut() {
  RETURN_IF_ERROR(FinishFile());
  const std::string path = JoinPath(dir_, SegmentFileName(num_segments_ + 1));
  ASSIGN_OR_RETURN(file_, fs_->NewWritableFile(path));
  num_segments_++;
  char header[kSegmentHeaderSize] = {};
  EncodeBE32(kSegmentMagic, header);
  header[4] = static_cast<char>(kSegmentFormatV1);
  RETURN_IF_ERROR_CTX(file_->Append(std::string_view(header, sizeof header)),
                      "write chunk segment header");
  cur_size_ = kSegmentHeaderSize;
  return absl::OkStatus();
}

absl::Status ChunkWriter::Close() {
  if (!status_.ok()) return status_;
  if (closed_) return absl::OkStatus();
  status_ = FinishFile();
  if (status_.ok()) status_ = Annotate(fs_->SyncDir(dir_), "chunk writer: sync dir");
  if (status_.ok()) closed_ = true;
  return status_;
}

}  // namespace strata::tsdb::chunks
