#include "tsdb/block/block_writer.h"

#include "tsdb/tombstones/tombstones.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::block {

std::string TmpForCreation(const std::string& parent_dir, const Ulid& ulid) {
  return JoinPath(parent_dir, StrCat(ulid.ToString(), ".tmp-for-creation"));
}

BlockWriter::BlockWriter(Fs* fs, std::string parent_dir, BlockMeta meta)
    : fs_(fs), parent_dir_(std::move(parent_dir)), meta_(std::move(meta)) {
  tmp_dir_ = TmpForCreation(parent_dir_, meta_.ulid);
  meta_.stats = BlockStats{};
}

absl::StatusOr<std::unique_ptr<BlockWriter>> BlockWriter::Create(Fs* fs, std::string parent_dir,
                                                                 BlockMeta meta) {
  std::unique_ptr<BlockWriter> w(new BlockWriter(fs, std::move(parent_dir), std::move(meta)));
  RETURN_IF_ERROR(fs->RemoveAll(w->tmp_dir_));
  RETURN_IF_ERROR(fs->CreateDirs(w->tmp_dir_));
  ASSIGN_OR_RETURN(w->chunk_writer_, chunks::ChunkWriter::Open(fs, JoinPath(w->tmp_dir_, "chunks")));
  ASSIGN_OR_RETURN(w->index_writer_, index::IndexWriter::Open(fs, JoinPath(w->tmp_dir_, "index")));
  return w;
}

BlockWriter::~BlockWriter() {
  if (!committed_) {
    chunk_writer_.reset();
    index_writer_.reset();
    (void)fs_->RemoveAll(tmp_dir_);
  }
}

absl::Status BlockWriter::AddSymbols(const std::vector<std::string>& sorted_symbols) {
  for (const std::string& s : sorted_symbols) RETURN_IF_ERROR(index_writer_->AddSymbol(s));
  return absl::OkStatus();
}

absl::Status BlockWriter::AddSeries(const labels::Labels& lset,
                                    std::span<chunks::ChunkToWrite> chunks, uint64_t num_samples) {
  RETURN_IF_ERROR_CTX(chunk_writer_->WriteChunks(chunks), "write chunks");
  metas_.clear();
  for (const chunks::ChunkToWrite& c : chunks) metas_.push_back(c.meta());
  RETURN_IF_ERROR_CTX(index_writer_->AddSeries(next_series_++, lset, metas_), "write index");
  meta_.stats.num_series++;
  meta_.stats.num_chunks += chunks.size();
  meta_.stats.num_samples += num_samples;
  return absl::OkStatus();
}

absl::StatusOr<BlockMeta> BlockWriter::Commit() {
  RETURN_IF_ERROR_CTX(chunk_writer_->Close(), "close chunks");
  RETURN_IF_ERROR_CTX(index_writer_->Close(), "close index");
  RETURN_IF_ERROR(WriteMeta(fs_, tmp_dir_, meta_).status());
  tombstones::MemTombstones none;
  RETURN_IF_ERROR(tombstones::WriteTombstones(fs_, tmp_dir_, none).status());
  RETURN_IF_ERROR(fs_->SyncDir(tmp_dir_));
  const std::string final_dir = JoinPath(parent_dir_, meta_.ulid.ToString());
  RETURN_IF_ERROR(fs_->RemoveAll(final_dir));
  RETURN_IF_ERROR(fs_->Rename(tmp_dir_, final_dir));
  committed_ = true;
  RETURN_IF_ERROR(fs_->SyncDir(parent_dir_));
  return meta_;
}

}  // namespace strata::tsdb::block
