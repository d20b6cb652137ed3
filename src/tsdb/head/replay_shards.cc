#include "tsdb/head/replay_shards.h"

#include <algorithm>

namespace strata::tsdb::head {
namespace {

// A shard holds at most this many batches' worth of operations: the one being filled, one
// queued, one being applied, and the applier's copy of it by bucket.
constexpr size_t kBatchesPerShard = 4;

// Series whose lock and state are fetched ahead of use while applying (cache misses overlap).
constexpr size_t kPrefetchAhead = 8;

// Series per bucket when grouping a batch: a cache line per series being filled fits in L2.
constexpr size_t kBucketShift = 12;

void Merge(const ReplayApplyCounts& from, ReplayApplyCounts* into) {
  into->samples += from.samples;
  into->ooo_samples += from.ooo_samples;
  into->ooo_min_t = std::min(into->ooo_min_t, from.ooo_min_t);
  into->ooo_max_t = std::max(into->ooo_max_t, from.ooo_max_t);
}

// The series' lock and the first lines of its state, for the next ApplyOne on it.
void Prefetch(const MemSeries* s) {
  __builtin_prefetch(s);
  __builtin_prefetch(reinterpret_cast<const char*>(s) + 64);
}

}  // namespace

void ReplayShards::Batch::clear() {
  new_series.clear();
  ops.clear();
  chunks.clear();
}

ReplayShards::ReplayShards(ReplayApplyOptions opts)
    : opts_(opts),
      max_batch_(
          std::max(opts.min_batch,
                   opts.max_buffered_ops / (std::max<size_t>(1, opts.shards) * kBatchesPerShard))) {
  for (size_t i = 0; i < std::max<size_t>(1, opts.shards); i++) {
    shards_.push_back(std::make_unique<Shard>(&opts_));
    shards_.back()->batch_limit = opts_.min_batch;
  }
}

ReplayShards::~ReplayShards() { Finish(); }

ReplaySlot ReplayShards::AddSeries(uint64_t ref, labels::Labels lset) {
  const uint64_t hash = lset.Hash();
  // By the label hash: duplicate labels meet on one shard. Its low bits also pick the head's
  // stripe, so with a power-of-two shard count no two shards create series in the same stripe.
  const uint32_t shard = static_cast<uint32_t>(hash % shards_.size());
  Shard& sh = *shards_[shard];
  const ReplaySlot slot{shard, static_cast<uint32_t>(sh.num_series++)};
  sh.filling.new_series.push_back(SeriesRecord{ref, hash, std::move(lset)});
  sh.batch_limit = std::clamp(sh.num_series * opts_.ops_per_series, opts_.min_batch, max_batch_);
  return slot;
}

void ReplayShards::AddChunk(ReplaySlot slot, ReplayOp::Kind kind, const MmappedChunk& c) {
  Batch& b = shards_[slot.shard]->filling;
  const int64_t chunk_index = static_cast<int64_t>(b.chunks.size());
  b.chunks.push_back(c);
  AddSample(slot, kind, chunk_index, 0);
}

void ReplayShards::Full(uint32_t shard) {
  if (!workers_started_ && shards_.size() > 1) StartWorkers();
  Shard& sh = *shards_[shard];
  if (!workers_started_) {
    sh.applier.Apply(sh.filling);
    sh.filling.clear();
    return;
  }
  Hand(sh);
}

void ReplayShards::StartWorkers() {
  workers_started_ = true;
  for (auto& sh : shards_) {
    sh->worker = std::make_unique<Worker>();
    sh->worker->thread = std::thread(&ReplayShards::RunWorker, sh.get());
  }
}

void ReplayShards::Hand(Shard& sh) {
  Worker& w = *sh.worker;
  Batch next;
  {
    // Waiting for room bounds memory: the reader cannot run ahead of the workers.
    absl::MutexLock l(&w.mu, absl::Condition(&w, &Worker::HasRoom));
    w.queue.push_back(std::move(sh.filling));
    if (!w.spare.empty()) {
      next = std::move(w.spare.back());
      w.spare.pop_back();
    }
  }
  sh.filling = std::move(next);
  sh.filling.ops.reserve(sh.batch_limit);
}

void ReplayShards::RunWorker(Shard* sh) {
  Worker& w = *sh->worker;
  for (;;) {
    Batch b;
    {
      absl::MutexLock l(&w.mu, absl::Condition(&w, &Worker::HasWork));
      if (w.queue.empty()) return;  // stop requested and nothing left
      b = std::move(w.queue.front());
      w.queue.pop_front();
      w.in_flight++;
    }
    sh->applier.Apply(b);
    b.clear();  // keeps the capacity for the next batch
    absl::MutexLock l(&w.mu);
    w.in_flight--;
    w.spare.push_back(std::move(b));
  }
}

void ReplayShards::Drain() {
  for (auto& sh : shards_) {
    if (sh->filling.empty()) continue;
    if (!workers_started_) {
      sh->applier.Apply(sh->filling);
      sh->filling.clear();
    } else {
      Hand(*sh);
    }
  }
  if (!workers_started_) return;
  for (auto& sh : shards_) {
    Worker& w = *sh->worker;
    absl::MutexLock l(&w.mu, absl::Condition(&w, &Worker::Idle));
  }
}

ReplayApplyCounts ReplayShards::Finish() {
  if (finished_) return final_counts_;
  finished_ = true;
  Drain();
  for (auto& sh : shards_) {
    if (sh->worker != nullptr) {
      {
        absl::MutexLock l(&sh->worker->mu);
        sh->worker->stop = true;
      }
      sh->worker->thread.join();
    }
    Merge(sh->applier.counts(), &final_counts_);
    std::vector<MemSeries*>& created = sh->applier.created();
    created_.insert(created_.end(), created.begin(), created.end());
  }
  shards_.clear();  // frees the batches
  return final_counts_;
}

std::vector<MemSeries*> ReplayShards::TakeCreated() { return std::move(created_); }

void ReplayShards::Applier::Apply(Batch& b) {
  CreateSeries(b.new_series);
  if (b.ops.empty()) return;
  if (count_.size() < series_.size()) count_.resize(series_.size(), 0);
  if (CountBySeries(b.ops)) {
    ApplyGrouped(b);
  } else {
    ApplyInLogOrder(b);
  }
}

void ReplayShards::Applier::CreateSeries(std::vector<SeriesRecord>& records) {
  for (SeriesRecord& r : records) {
    bool created = false;
    MemSeries* s = opts_->series_sink->Create(r.ref, std::move(r.lset), r.hash, &created);
    {
      absl::MutexLock l(&s->mu());
      s->set_logged();
    }
    const uint32_t index = static_cast<uint32_t>(series_.size());
    series_.push_back(s);
    canonical_.push_back(first_index_.try_emplace(s, index).first->second);
    if (created) created_.push_back(s);
  }
}

bool ReplayShards::Applier::CountBySeries(const std::vector<ReplayOp>& ops) {
  touched_.clear();
  for (const ReplayOp& op : ops) {
    const uint32_t c = canonical_[op.series];
    if (count_[c]++ == 0) touched_.push_back(c);
  }
  // Sorting costs a pass over the batch: worth it only when a series has a few ops to share the
  // cost of fetching it.
  if (touched_.size() * 2 <= ops.size()) return true;
  for (uint32_t i : touched_) count_[i] = 0;
  return false;
}

void ReplayShards::Applier::ApplyInLogOrder(const Batch& b) {
  const std::vector<ReplayOp>& ops = b.ops;
  for (size_t i = 0; i < ops.size(); i++) {
    if (i + kPrefetchAhead < ops.size()) Prefetch(series_[ops[i + kPrefetchAhead].series]);
    MemSeries& s = *series_[ops[i].series];
    absl::MutexLock l(&s.mu());
    ApplyOne(s, ops[i], b);
  }
}

void ReplayShards::Applier::ApplyGrouped(const Batch& b) {
  // Two stable counting sorts, so a series' operations keep their log order: by bucket of
  // 2^kBucketShift series (few sequential write streams), then each bucket by series (its
  // groups' cache lines fit in L2). Scattering the batch by series in one pass would write most
  // operations to a cold cache line.
  const size_t buckets = (series_.size() >> kBucketShift) + 1;
  bucket_start_.assign(buckets + 1, 0);
  for (uint32_t c : touched_) bucket_start_[(c >> kBucketShift) + 1] += count_[c];
  for (size_t k = 1; k <= buckets; k++) bucket_start_[k] += bucket_start_[k - 1];
  bucket_fill_.assign(bucket_start_.begin(), bucket_start_.end() - 1);
  by_bucket_.resize(b.ops.size());
  for (const ReplayOp& op : b.ops) {
    by_bucket_[bucket_fill_[canonical_[op.series] >> kBucketShift]++] = op;
  }
  for (size_t k = 0; k < buckets; k++) {
    if (bucket_start_[k] == bucket_start_[k + 1]) continue;
    ApplyBucket(
        b, k << kBucketShift,
        std::span(by_bucket_).subspan(bucket_start_[k], bucket_start_[k + 1] - bucket_start_[k]));
  }
}

void ReplayShards::Applier::ApplyBucket(const Batch& b, size_t first,
                                        std::span<const ReplayOp> ops) {
  const size_t last = std::min(series_.size(), first + (size_t{1} << kBucketShift));
  // Counts become each group's start, then (after the scatter) its end.
  uint32_t pos = 0;
  for (size_t c = first; c < last; c++) {
    if (count_[c] != 0) pos += std::exchange(count_[c], pos);
  }
  sorted_.resize(ops.size());
  for (const ReplayOp& op : ops) sorted_[count_[canonical_[op.series]]++] = op;
  uint32_t begin = 0;
  for (size_t c = first; c < last; c++) {
    if (c + kPrefetchAhead < last) Prefetch(series_[c + kPrefetchAhead]);
    const uint32_t end = std::exchange(count_[c], 0);
    if (end == 0) continue;  // no operation, or not a canonical index
    MemSeries& s = *series_[c];
    absl::MutexLock l(&s.mu());
    for (uint32_t k = begin; k < end; k++) ApplyOne(s, sorted_[k], b);
    begin = end;
  }
}

void ReplayShards::Applier::ApplyOne(MemSeries& s, const ReplayOp& op, const Batch& b) {
  switch (op.kind) {
    case ReplayOp::Kind::kInOrder:
      if (op.t < opts_->min_valid_time) break;
      if (s.has_in_order_data() && op.t <= s.last_t()) break;  // in a loaded chunk
      s.AppendInOrder(op.t, op.v, opts_->chunk_range_ms, opts_->sink);
      counts_.samples++;
      break;
    case ReplayOp::Kind::kOOO: {
      uint64_t ignored = 0;
      s.InsertOOO(op.t, op.v, opts_->ooo_cap_max, opts_->sink, &ignored);
      counts_.ooo_samples++;
      counts_.ooo_min_t = std::min(counts_.ooo_min_t, op.t);
      counts_.ooo_max_t = std::max(counts_.ooo_max_t, op.t);
      break;
    }
    case ReplayOp::Kind::kMarker:
      s.DropOOOHead();  // its samples are the chunk's
      s.AddMmappedChunk(b.chunks[static_cast<size_t>(op.t)], /*ooo=*/true);
      break;
    case ReplayOp::Kind::kLoadedChunk:
      s.AddMmappedChunk(b.chunks[static_cast<size_t>(op.t)], /*ooo=*/false);
      break;
  }
}

}  // namespace strata::tsdb::head
