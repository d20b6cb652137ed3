// Writes one block directory crash-safely (prometheus-tsdb-formats.md §1.3): everything goes into
// <parent>/<ULID>.tmp-for-creation/ (chunks/, index, meta.json, tombstones, each fsynced), which
// is then fsynced and renamed to <parent>/<ULID>, and the parent directory fsynced. A writer that
// is destroyed without Commit removes its temporary directory: a failed write leaves nothing.
#ifndef STRATA_TSDB_BLOCK_BLOCK_WRITER_H_
#define STRATA_TSDB_BLOCK_BLOCK_WRITER_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "labels/labels.h"
#include "tsdb/block/meta.h"
#include "tsdb/chunks/chunk_writer.h"
#include "tsdb/index/index_writer.h"
#include "util/fs.h"

namespace strata::tsdb::block {

class BlockWriter {
 public:
  // `meta` gives ulid, time range and compaction; stats are computed. REQUIRES: `fs` outlives it.
  static absl::StatusOr<std::unique_ptr<BlockWriter>> Create(Fs* fs, std::string parent_dir,
                                                             BlockMeta meta);
  ~BlockWriter();
  BlockWriter(const BlockWriter&) = delete;
  BlockWriter& operator=(const BlockWriter&) = delete;

  // Every label name and value of the series to come, sorted and unique.
  absl::Status AddSymbols(const std::vector<std::string>& sorted_symbols);
  // The next series (in label order) with its chunks (time order, XOR). `num_samples` of all
  // its chunks together, for the block's stats.
  absl::Status AddSeries(const labels::Labels& lset, std::span<chunks::ChunkToWrite> chunks,
                         uint64_t num_samples);
  // Finishes and atomically publishes the block; returns its final meta.
  absl::StatusOr<BlockMeta> Commit();

  const std::string& tmp_dir() const { return tmp_dir_; }

 private:
  BlockWriter(Fs* fs, std::string parent_dir, BlockMeta meta);

  Fs* const fs_;
  const std::string parent_dir_;
  BlockMeta meta_;
  std::string tmp_dir_;
  std::unique_ptr<chunks::ChunkWriter> chunk_writer_;
  std::unique_ptr<index::IndexWriter> index_writer_;
  std::vector<chunks::ChunkMeta> metas_;  // scratch
  uint64_t next_series_ = 0;
  bool committed_ = false;
};

// Directory names of blocks: the ULID, and the temporary name a block is written under.
std::string TmpForCreation(const std::string& parent_dir, const Ulid& ulid);

}  // namespace strata::tsdb::block

#endif  // STRATA_TSDB_BLOCK_BLOCK_WRITER_H_
