// Writes a block's chunk segment files chunks/000001, 000002, … (prometheus-tsdb-formats.md §2).
//
// Usage: Open → WriteChunks once per series, in index series order → Close.
// Chunk references come out strictly increasing in write order, which the index requires (§2.4).
// A ChunkWriter is used by one thread at a time.
#ifndef STRATA_TSDB_CHUNKS_CHUNK_WRITER_H_
#define STRATA_TSDB_CHUNKS_CHUNK_WRITER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/chunks/chunk_meta.h"
#include "tsdb/chunks/segment_format.h"
#include "util/fs.h"

namespace strata::tsdb::chunks {

struct ChunkWriterOptions {
  // A segment file is cut before the chunk that would push its (estimated) size past this limit.
  // One chunk larger than the limit still goes into a file of its own. Default 512 MiB.
  uint64_t max_segment_size_bytes = kDefaultMaxSegmentSizeBytes;
};

// One chunk handed to WriteChunks. The bytes are borrowed for the duration of the call.
struct ChunkToWrite {
  uint8_t encoding = 0;   // chunk encoding byte (§0.3); blocks hold 1 = XOR
  std::string_view data;  // the encoded chunk
  int64_t min_time = 0;
  int64_t max_time = 0;
  uint64_t ref = 0;  // output: set by WriteChunks

  ChunkMeta meta() const { return ChunkMeta{ref, min_time, max_time}; }
};

class ChunkWriter {
 public:
  // Creates `dir` if needed. REQUIRES: `fs` outlives the writer. FailedPrecondition if `dir`
  // already holds segment files (references are positions among all files, so we only ever
  // write a fresh directory). No file is created until the first chunk is written.
  static absl::StatusOr<std::unique_ptr<ChunkWriter>> Open(Fs* fs, std::string dir,
                                                           ChunkWriterOptions options = {});

  // Closes the current file without syncing if Close() was not called.
  ~ChunkWriter();
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  // Appends all chunks of one series and sets each chunk's `ref`. Cuts new segment files per
  // chunk as §2.4 describes (a chunk never straddles two files). After an error the writer is
  // broken: this and later calls return that error.
  absl::Status WriteChunks(std::span<ChunkToWrite> chunks);

  // Syncs and closes the last file, then syncs the directory. Idempotent on success.
  absl::Status Close();

  // Segment files created so far.
  uint64_t num_segments() const { return num_segments_; }
  // Bytes in all segment files written so far, headers included.
  uint64_t size_bytes() const { return finished_bytes_ + cur_size_; }

 private:
  ChunkWriter(Fs* fs, std::string dir, ChunkWriterOptions options)
      : fs_(fs), dir_(std::move(dir)), options_(options) {}

  // Indexes of the chunks that must start a new segment file (see WriteChunks).
  void PlanCuts(std::span<const ChunkToWrite> chunks, std::vector<size_t>* cuts) const;
  // Finishes the current file (sync + close) and starts the next one with its header.
  absl::Status Cut();
  absl::Status FinishFile();
  absl::Status WriteOne(ChunkToWrite& chunk);

  Fs* const fs_;
  const std::string dir_;
  const ChunkWriterOptions options_;

  std::unique_ptr<WritableFile> file_;  // the current segment; null before the first cut
  uint64_t num_segments_ = 0;
  uint64_t cur_size_ = 0;        // bytes in the current file
  uint64_t finished_bytes_ = 0;  // bytes in the files already finished
  std::string buf_;              // one record, reused
  absl::Status status_;          // sticky first error
  bool closed_ = false;
};

}  // namespace strata::tsdb::chunks

#endif  // STRATA_TSDB_CHUNKS_CHUNK_WRITER_H_
