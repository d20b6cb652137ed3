#include "tsdb/block/block.h"

#include <set>

#include "storage/list_series.h"
#include "tsdb/querier/chunk_series.h"
#include "tsdb/querier/postings_for_matchers.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::block {
namespace {

// PostingsForMatchers over an index file.
class IndexPostings final : public querier::PostingsIndex {
 public:
  explicit IndexPostings(const index::IndexReader& r) : r_(r) {}
  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) override {
    ASSIGN_OR_RETURN(std::vector<std::string_view> values, r_.LabelValues(name));
    return std::vector<std::string>(values.begin(), values.end());
  }
  absl::StatusOr<std::vector<uint64_t>> Postings(std::string_view name,
                                                 const std::vector<std::string>& values) override {
    std::vector<std::string_view> views(values.begin(), values.end());
    ASSIGN_OR_RETURN(std::unique_ptr<index::Postings> p, r_.Postings(name, views));
    return index::ExpandPostings(*p);
  }

 private:
  const index::IndexReader& r_;
};

class BlockSeries final : public storage::Series {
 public:
  BlockSeries(std::shared_ptr<Block> block, labels::Labels lset,
              std::vector<chunks::ChunkMeta> metas, int64_t mint, int64_t maxt)
      : block_(std::move(block)), labels_(std::move(lset)), metas_(std::move(metas)),
        mint_(mint), maxt_(maxt) {}
  const labels::Labels& labels() const override { return labels_; }
  std::unique_ptr<storage::SeriesIterator> Iterator() const override {
    std::vector<querier::ChunkBytes> chunks;
    chunks.reserve(metas_.size());
    for (const chunks::ChunkMeta& m : metas_) {
      auto raw = block_->chunks().Chunk(m.ref);
      if (!raw.ok()) {
        absl::Status err = Annotate(raw.status(), block_->dir());
        block_->NoteReadError(err);
        return querier::NewErrorIterator(std::move(err));
      }
      // Views into the mapped segment: the block outlives this iterator via block_.
      chunks.push_back(querier::ChunkBytes{m.min_time, m.max_time, raw->data});
    }
    // Blocks written by vertical compaction hold sorted, non-overlapping chunks; merged OOO
    // chunks may overlap in other writers' blocks, so treat them as overlapping to be safe.
    return querier::NewChunksIterator({}, std::move(chunks), {}, mint_, maxt_);
  }

 private:
  std::shared_ptr<Block> block_;
  labels::Labels labels_;
  std::vector<chunks::ChunkMeta> metas_;
  int64_t mint_, maxt_;
};

class BlockQuerier final : public storage::Querier {
 public:
  BlockQuerier(std::shared_ptr<Block> b, int64_t mint, int64_t maxt)
      : block_(std::move(b)), mint_(mint), maxt_(maxt) {}

  std::unique_ptr<storage::SeriesSet> Select(bool sorted, const storage::SelectHints& hints,
                                             const std::vector<labels::Matcher>& ms) override {
    auto series = Matching(ms);
    if (!series.ok()) return storage::ErrorSeriesSet(series.status());
    return std::make_unique<storage::ListSeriesSet>(std::move(*series));
  }

  absl::StatusOr<std::vector<std::string>> LabelValues(
      const std::string& name, const std::vector<labels::Matcher>& ms) override {
    if (ms.empty()) return IndexPostings(block_->index()).LabelValues(name);
    ASSIGN_OR_RETURN(auto series, Matching(ms));
    std::set<std::string> out;
    for (const auto& s : series) {
      std::string_view v = s->labels().Get(name);
      if (!v.empty()) out.emplace(v);
    }
    return std::vector<std::string>(out.begin(), out.end());
  }

  absl::StatusOr<std::vector<std::string>> LabelNames(
      const std::vector<labels::Matcher>& ms) override {
    if (ms.empty()) {
      std::vector<std::string_view> names = block_->index().LabelNames();
      return std::vector<std::string>(names.begin(), names.end());
    }
    ASSIGN_OR_RETURN(auto series, Matching(ms));
    std::set<std::string> out;
    for (const auto& s : series) {
      for (const labels::Label& l : s->labels()) out.emplace(l.name);
    }
    return std::vector<std::string>(out.begin(), out.end());
  }

 private:
  // Series (in index order = label order) with at least one chunk overlapping the range.
  absl::StatusOr<std::vector<std::unique_ptr<storage::Series>>> Matching(
      const std::vector<labels::Matcher>& ms) {
    auto out = MatchingUnchecked(ms);
    if (!out.ok()) block_->NoteReadError(out.status());
    return out;
  }
  absl::StatusOr<std::vector<std::unique_ptr<storage::Series>>> MatchingUnchecked(
      const std::vector<labels::Matcher>& ms) {
    IndexPostings ip(block_->index());
    ASSIGN_OR_RETURN(std::vector<uint64_t> refs, querier::PostingsForMatchers(ip, ms));
    std::vector<std::unique_ptr<storage::Series>> out;
    labels::Labels lset;
    std::vector<chunks::ChunkMeta> metas;
    for (uint64_t ref : refs) {
      RETURN_IF_ERROR(block_->index().Series(ref, &lset, &metas));
      std::erase_if(metas, [this](const chunks::ChunkMeta& m) {
        return m.max_time < mint_ || m.min_time > maxt_;
      });
      if (metas.empty()) continue;
      out.push_back(std::make_unique<BlockSeries>(block_, lset, metas, mint_, maxt_));
    }
    return out;
  }

  std::shared_ptr<Block> block_;
  const int64_t mint_, maxt_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<Block>> Block::Open(Fs* fs, std::string dir) {
  std::shared_ptr<Block> b(new Block());
  b->dir_ = std::move(dir);
  ASSIGN_OR_RETURN(b->meta_, ReadMeta(fs, b->dir_));
  ASSIGN_OR_RETURN(b->index_, index::IndexReader::Open(fs, JoinPath(b->dir_, "index")));
  ASSIGN_OR_RETURN(b->chunks_, chunks::ChunkReader::Open(fs, JoinPath(b->dir_, "chunks")));
  ASSIGN_OR_RETURN(b->tombstones_, tombstones::ReadTombstones(fs, b->dir_));
  b->size_bytes_ = b->index_->size_bytes() + b->chunks_->size_bytes();
  for (const char* f : {"tombstones", "meta.json"}) {
    if (auto sz = fs->FileSize(JoinPath(b->dir_, f)); sz.ok()) b->size_bytes_ += *sz;
  }
  return b;
}

void Block::NoteReadError(const absl::Status& s) const {
  if (!absl::IsDataLoss(s)) return;
  absl::MutexLock l(&damage_mu_);
  if (damage_.ok()) damage_ = s;
  damaged_.store(true, std::memory_order_release);
}

absl::Status Block::damage() const {
  if (!damaged_.load(std::memory_order_acquire)) return absl::OkStatus();
  absl::MutexLock l(&damage_mu_);
  return damage_;
}

std::unique_ptr<storage::Querier> Block::Querier(int64_t mint, int64_t maxt) {
  return std::make_unique<BlockQuerier>(shared_from_this(), mint, maxt);
}

}  // namespace strata::tsdb::block
