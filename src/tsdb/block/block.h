// A persisted block opened for reading (Prometheus tsdb/block.go): meta.json, the index, the
// chunk segments and the tombstones, all memory-mapped. Immutable once open; shared by queriers
// through shared_ptr so a block being deleted stays readable until its last querier is gone.
#ifndef STRATA_TSDB_BLOCK_BLOCK_H_
#define STRATA_TSDB_BLOCK_BLOCK_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/storage.h"
#include "tsdb/block/meta.h"
#include "tsdb/chunks/chunk_reader.h"
#include "tsdb/index/index_reader.h"
#include "tsdb/tombstones/tombstones.h"
#include "util/fs.h"

namespace strata::tsdb::block {

class Block : public std::enable_shared_from_this<Block> {
 public:
  // Opens the block in `dir`. Any damage (bad meta.json, index or chunk headers, CRCs of the
  // index's tables) is DataLoss naming the file. REQUIRES: `fs` outlives the block.
  static absl::StatusOr<std::shared_ptr<Block>> Open(Fs* fs, std::string dir);

  const BlockMeta& meta() const { return meta_; }
  const std::string& dir() const { return dir_; }
  const index::IndexReader& index() const { return *index_; }
  const chunks::ChunkReader& chunks() const { return *chunks_; }
  // Bytes on disk: chunks + index + tombstones + meta.json (what promtool's SIZE column shows).
  uint64_t size_bytes() const { return size_bytes_; }

  // A querier over [mint, maxt] (closed). It keeps the block alive.
  std::unique_ptr<storage::Querier> Querier(int64_t mint, int64_t maxt);

  // Damage found while reading (a chunk or index entry failing its checksum): the read fails with
  // DataLoss, and the block remembers the first such error so the DB can set it aside (see
  // DB::SetAsideDamagedBlocks). Only DataLoss counts: other errors say nothing about the files.
  void NoteReadError(const absl::Status& s) const;
  // The first damage found while reading; OK if none.
  absl::Status damage() const;

 private:
  Block() = default;

  std::string dir_;
  BlockMeta meta_;
  std::unique_ptr<index::IndexReader> index_;
  std::unique_ptr<chunks::ChunkReader> chunks_;
  std::unique_ptr<tombstones::MemTombstones> tombstones_;
  uint64_t size_bytes_ = 0;
  mutable std::atomic<bool> damaged_{false};  // lets damage() skip the lock for sound blocks
  mutable absl::Mutex damage_mu_;
  mutable absl::Status damage_ ABSL_GUARDED_BY(damage_mu_);
};

}  // namespace strata::tsdb::block

#endif  // STRATA_TSDB_BLOCK_BLOCK_H_
