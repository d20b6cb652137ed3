#include "tsdb/head/head_querier.h"

#include <algorithm>
#include <set>

#include "storage/list_series.h"
#include "tsdb/querier/chunk_series.h"
#include "tsdb/querier/postings_for_matchers.h"
#include "util/status_macros.h"

namespace strata::tsdb::head {
namespace {

class HeadPostingsIndex final : public querier::PostingsIndex {
 public:
  explicit HeadPostingsIndex(const MemPostings& p) : p_(p) {}
  absl::StatusOr<std::vector<std::string>> LabelValues(std::string_view name) override {
    return p_.LabelValues(name);
  }
  absl::StatusOr<std::vector<uint64_t>> Postings(std::string_view name,
                                                 const std::vector<std::string>& values) override {
    if (values.size() == 1) return p_.Get(name, values.front());
    return p_.GetUnion(name, values);
  }

 private:
  const MemPostings& p_;
};

// A head series as seen by one querier. The querier (and so the series) outlives its use.
class HeadSeries final : public storage::Series {
 public:
  HeadSeries(const HeadQuerier* q, const MemSeries* s) : q_(q), s_(s) {}
  const labels::Labels& labels() const override { return s_->labels(); }
  std::unique_ptr<storage::SeriesIterator> Iterator() const override { return q_->IteratorFor(*s_); }

 private:
  const HeadQuerier* q_;
  const MemSeries* s_;
};

bool Overlaps(int64_t a_min, int64_t a_max, int64_t b_min, int64_t b_max) {
  return a_min <= b_max && b_min <= a_max;
}

}  // namespace

HeadQuerier::HeadQuerier(Head* head, int64_t mint, int64_t maxt, HeadReadMode mode)
    : head_(head), mint_(mint), maxt_(maxt), mode_(mode), epoch_slot_(head->epochs_.Enter()) {}

HeadQuerier::~HeadQuerier() { head_->epochs_.Exit(epoch_slot_); }

bool HeadQuerier::HasDataInRange(const MemSeries& s) const {
  absl::ReaderMutexLock l(&s.mu());
  if (mode_.in_order && s.has_in_order_data()) {
    const int64_t last = s.head_chunk() != nullptr ? s.last_t() : s.mmapped().back().max_time;
    if (Overlaps(s.min_time(), last, mint_, maxt_)) return true;
  }
  if (mode_.ooo && s.ooo() != nullptr) {
    for (const MmappedChunk& c : s.ooo()->mmapped) {
      if (c.ref <= mode_.max_mmap_ref && Overlaps(c.min_time, c.max_time, mint_, maxt_)) return true;
    }
    const ooo::OOOChunk& h = s.ooo()->head;
    if (!mode_.ooo_mmapped_only && !h.empty() &&
        Overlaps(h.min_time(), h.max_time(), mint_, maxt_)) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::vector<MemSeries*>> HeadQuerier::MatchingSeries(
    const std::vector<labels::Matcher>& matchers) const {
  HeadPostingsIndex index(head_->postings_);
  ASSIGN_OR_RETURN(std::vector<uint64_t> refs, querier::PostingsForMatchers(index, matchers));
  std::vector<MemSeries*> out;
  for (uint64_t ref : refs) {
    MemSeries* s = head_->series_.GetByRef(ref);
    if (s != nullptr && HasDataInRange(*s)) out.push_back(s);
  }
  return out;
}

std::unique_ptr<storage::SeriesSet> HeadQuerier::Select(
    bool sorted, const storage::SelectHints& hints, const std::vector<labels::Matcher>& matchers) {
  auto series = MatchingSeries(matchers);
  if (!series.ok()) return storage::ErrorSeriesSet(series.status());
  // Postings are in ref order; callers that merge need label order.
  std::sort(series->begin(), series->end(), [](const MemSeries* a, const MemSeries* b) {
    return labels::Compare(a->labels(), b->labels()) < 0;
  });
  std::vector<std::unique_ptr<storage::Series>> out;
  out.reserve(series->size());
  for (const MemSeries* s : *series) out.push_back(std::make_unique<HeadSeries>(this, s));
  return std::make_unique<storage::ListSeriesSet>(std::move(out));
}

absl::StatusOr<std::vector<std::string>> HeadQuerier::LabelValues(
    const std::string& name, const std::vector<labels::Matcher>& matchers) {
  if (matchers.empty()) return head_->postings_.LabelValues(name);
  ASSIGN_OR_RETURN(std::vector<MemSeries*> series, MatchingSeries(matchers));
  std::set<std::string> values;
  for (const MemSeries* s : series) {
    std::string_view v = s->labels().Get(name);
    if (!v.empty()) values.emplace(v);
  }
  return std::vector<std::string>(values.begin(), values.end());
}

absl::StatusOr<std::vector<std::string>> HeadQuerier::LabelNames(
    const std::vector<labels::Matcher>& matchers) {
  if (matchers.empty()) return head_->postings_.LabelNames();
  ASSIGN_OR_RETURN(std::vector<MemSeries*> series, MatchingSeries(matchers));
  std::set<std::string> names;
  for (const MemSeries* s : series) {
    for (const labels::Label& l : s->labels()) names.emplace(l.name);
  }
  return std::vector<std::string>(names.begin(), names.end());
}

std::unique_ptr<storage::SeriesIterator> HeadQuerier::IteratorFor(const MemSeries& s) const {
  std::vector<querier::ChunkBytes> in_order, overlapping;
  std::vector<storage::Sample> extra;
  querier::OwnedChunks owned;
  absl::Status error;
  auto read_mmapped = [&](const MmappedChunk& c, std::vector<querier::ChunkBytes>* out) {
    if (!Overlaps(c.min_time, c.max_time, mint_, maxt_) || !error.ok()) return;
    auto bytes = head_->chunk_mapper_->Chunk(c.ref);
    if (!bytes.ok()) {
      error = bytes.status();
      return;
    }
    // Chunk views stay valid while this querier holds its reader entry (no file is deleted).
    out->push_back(querier::ChunkBytes{c.min_time, c.max_time, bytes->data});
  };
  {
    absl::ReaderMutexLock l(&s.mu());
    if (mode_.in_order) {
      for (const MmappedChunk& c : s.mmapped()) read_mmapped(c, &in_order);
      if (const HeadChunk* h = s.head_chunk();
          h != nullptr && Overlaps(h->min_time, s.last_t(), mint_, maxt_)) {
        // The open chunk changes with every append: copy it.
        owned.emplace_back(h->data());
        in_order.push_back(querier::ChunkBytes{h->min_time, s.last_t(), owned.back()});
      }
    }
    if (mode_.ooo && s.ooo() != nullptr) {
      for (const MmappedChunk& c : s.ooo()->mmapped) {
        if (c.ref <= mode_.max_mmap_ref) read_mmapped(c, &overlapping);
      }
      if (!mode_.ooo_mmapped_only) {
        for (const ooo::OOOSample& x : s.ooo()->head.samples()) extra.push_back({x.t, x.v});
      }
    }
  }
  if (!error.ok()) return querier::NewErrorIterator(error);
  return querier::NewChunksIterator(std::move(in_order), std::move(overlapping), std::move(extra),
                                    mint_, maxt_, std::move(owned));
}

}  // namespace strata::tsdb::head
