#include "tsdb/querier/chunk_series.h"

#include <algorithm>

#include "storage/merge.h"

namespace strata::tsdb::querier {
namespace {

// Owns a sorted sample vector and iterates the part in [mint, maxt].
class OwnedSamplesIterator final : public storage::SeriesIterator {
 public:
  OwnedSamplesIterator(std::vector<storage::Sample> samples, int64_t mint, int64_t maxt)
      : samples_(std::move(samples)) {
    auto lo = std::lower_bound(samples_.begin(), samples_.end(), mint,
                               [](const storage::Sample& s, int64_t t) { return s.t < t; });
    auto hi = std::upper_bound(samples_.begin(), samples_.end(), maxt,
                               [](int64_t t, const storage::Sample& s) { return t < s.t; });
    samples_.erase(hi, samples_.end());
    samples_.erase(samples_.begin(), lo);
  }
  bool Next() override { return ++i_ < samples_.size(); }
  bool Seek(int64_t t) override {
    if (i_ < samples_.size() && i_ != kBefore && samples_[i_].t >= t) return true;
    size_t from = i_ == kBefore ? 0 : i_;
    auto it = std::lower_bound(samples_.begin() + std::min(from, samples_.size()), samples_.end(),
                               t, [](const storage::Sample& s, int64_t x) { return s.t < x; });
    i_ = static_cast<size_t>(it - samples_.begin());
    return i_ < samples_.size();
  }
  storage::Sample At() const override { return samples_[i_]; }
  absl::Status status() const override { return absl::OkStatus(); }

 private:
  static constexpr size_t kBefore = static_cast<size_t>(-1);
  std::vector<storage::Sample> samples_;
  size_t i_ = kBefore;
};

// Keeps copied chunk bytes alive as long as the iterator reading them.
class OwningIterator final : public storage::SeriesIterator {
 public:
  OwningIterator(OwnedChunks owned, std::unique_ptr<storage::SeriesIterator> it)
      : owned_(std::move(owned)), it_(std::move(it)) {}
  bool Next() override { return it_->Next(); }
  bool Seek(int64_t t) override { return it_->Seek(t); }
  storage::Sample At() const override { return it_->At(); }
  absl::Status status() const override { return it_->status(); }

 private:
  OwnedChunks owned_;
  std::unique_ptr<storage::SeriesIterator> it_;
};

class ErrorIterator final : public storage::SeriesIterator {
 public:
  explicit ErrorIterator(absl::Status s) : s_(std::move(s)) {}
  bool Next() override { return false; }
  bool Seek(int64_t) override { return false; }
  storage::Sample At() const override { return {0, 0}; }
  absl::Status status() const override { return s_; }

 private:
  absl::Status s_;
};

}  // namespace

std::unique_ptr<storage::SeriesIterator> NewErrorIterator(absl::Status status) {
  return std::make_unique<ErrorIterator>(std::move(status));
}

ChunkSeqIterator::ChunkSeqIterator(std::vector<ChunkBytes> chunks, int64_t mint, int64_t maxt)
    : chunks_(std::move(chunks)), mint_(mint), maxt_(maxt) {
  // Chunks entirely outside the range are never opened.
  chunks_.erase(std::remove_if(chunks_.begin(), chunks_.end(),
                               [&](const ChunkBytes& c) {
                                 return c.max_time < mint_ || c.min_time > maxt_;
                               }),
                chunks_.end());
}

bool ChunkSeqIterator::OpenChunk(size_t i) {
  it_.Reset(chunks_[i].bytes);
  next_chunk_ = i + 1;
  return true;
}

bool ChunkSeqIterator::Fail() {
  if (status_.ok()) status_ = it_.status();
  valid_ = false;
  return false;
}

bool ChunkSeqIterator::Next() {
  if (!status_.ok()) return false;
  if (!valid_ && next_chunk_ == 0) {
    if (chunks_.empty()) return false;
    OpenChunk(0);
  }
  for (;;) {
    if (it_.Next()) {
      if (it_.t() < mint_) continue;
      if (it_.t() > maxt_) return valid_ = false;
      return valid_ = true;
    }
    if (!it_.status().ok()) return Fail();
    if (next_chunk_ >= chunks_.size()) return valid_ = false;
    OpenChunk(next_chunk_);
  }
}

bool ChunkSeqIterator::Seek(int64_t t) {
  if (!status_.ok()) return false;
  t = std::max(t, mint_);
  if (valid_ && it_.t() >= t) return true;
  // Skip whole chunks that end before t.
  size_t i = valid_ ? next_chunk_ - 1 : next_chunk_;
  while (i < chunks_.size() && chunks_[i].max_time < t) i++;
  if (i >= chunks_.size()) return valid_ = false;
  if (!valid_ || i != next_chunk_ - 1) OpenChunk(i);
  if (it_.Seek(t)) {
    if (it_.t() > maxt_) return valid_ = false;
    return valid_ = true;
  }
  if (!it_.status().ok()) return Fail();
  valid_ = true;  // positioned past this chunk; continue in the next one
  return Next();
}

std::unique_ptr<storage::SeriesIterator> NewChunksIterator(std::vector<ChunkBytes> in_order,
                                                           std::vector<ChunkBytes> overlapping,
                                                           std::vector<storage::Sample> extra,
                                                           int64_t mint, int64_t maxt,
                                                           OwnedChunks owned) {
  std::vector<std::unique_ptr<storage::SeriesIterator>> its;
  if (!in_order.empty()) {
    its.push_back(std::make_unique<ChunkSeqIterator>(std::move(in_order), mint, maxt));
  }
  for (ChunkBytes& c : overlapping) {
    std::vector<ChunkBytes> one;
    one.push_back(std::move(c));
    its.push_back(std::make_unique<ChunkSeqIterator>(std::move(one), mint, maxt));
  }
  if (!extra.empty()) {
    its.push_back(std::make_unique<OwnedSamplesIterator>(std::move(extra), mint, maxt));
  }
  if (its.empty()) {
    return std::make_unique<OwnedSamplesIterator>(std::vector<storage::Sample>{}, mint, maxt);
  }
  auto merged = storage::MergeIterators(std::move(its));
  if (owned.empty()) return merged;
  return std::make_unique<OwningIterator>(std::move(owned), std::move(merged));
}

}  // namespace strata::tsdb::querier
