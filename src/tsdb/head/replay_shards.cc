#include "tsdb/head/replay_shards.h"

#include <algorithm>

namespace strata::tsdb::head {
namespace {

// At most this many batches wait per worker: the reader cannot run far ahead of the workers,
// so replay memory stays bounded whatever the log size.
constexpr size_t kMaxQueuedBatches = 4;

void Merge(const ReplayApplyCounts& from, ReplayApplyCounts* into) {
  into->samples += from.samples;
  into->ooo_samples += from.ooo_samples;
  into->ooo_min_t = std::min(into->ooo_min_t, from.ooo_min_t);
  into->ooo_max_t = std::max(into->ooo_max_t, from.ooo_max_t);
}

}  // namespace

ReplayShards::ReplayShards(ReplayApplyOptions opts)
    : opts_(opts), buffers_(std::max<size_t>(1, opts.shards)) {}

ReplayShards::~ReplayShards() { Finish(); }

void ReplayShards::Apply(const std::vector<ReplayOp>& ops, ReplayApplyCounts* counts) const {
  for (const ReplayOp& op : ops) {
    MemSeries* s = op.series;
    absl::MutexLock l(&s->mu());
    switch (op.kind) {
      case ReplayOp::Kind::kInOrder:
        if (op.t < opts_.min_valid_time) break;
        if (s->has_in_order_data() && op.t <= s->last_t()) break;  // in a loaded chunk
        s->AppendInOrder(op.t, op.v, opts_.chunk_range_ms, opts_.sink);
        counts->samples++;
        break;
      case ReplayOp::Kind::kOOO: {
        uint64_t ignored = 0;
        s->InsertOOO(op.t, op.v, opts_.ooo_cap_max, opts_.sink, &ignored);
        counts->ooo_samples++;
        counts->ooo_min_t = std::min(counts->ooo_min_t, op.t);
        counts->ooo_max_t = std::max(counts->ooo_max_t, op.t);
        break;
      }
      case ReplayOp::Kind::kMarker:
        s->DropOOOHead();  // its samples are the chunk's
        s->AddMmappedChunk(op.chunk, /*ooo=*/true);
        break;
    }
  }
}

void ReplayShards::Add(uint64_t series_ref, const ReplayOp& op) {
  const size_t shard = series_ref % buffers_.size();
  std::vector<ReplayOp>& buf = buffers_[shard];
  if (buf.capacity() == 0) buf.reserve(kBatch);
  buf.push_back(op);
  if (buf.size() < kBatch) return;
  if (workers_.empty() && buffers_.size() > 1) StartWorkers();
  if (workers_.empty()) {
    Apply(buf, &inline_counts_);
    buf.clear();
    return;
  }
  Hand(shard);
}

void ReplayShards::StartWorkers() {
  for (size_t i = 0; i < buffers_.size(); i++) {
    workers_.push_back(std::make_unique<Worker>());
    Worker* w = workers_.back().get();
    w->thread = std::thread([this, w] { RunWorker(w); });
  }
}

void ReplayShards::Hand(size_t shard) {
  Worker& w = *workers_[shard];
  std::vector<ReplayOp> batch;
  batch.reserve(kBatch);
  batch.swap(buffers_[shard]);
  std::unique_lock lk(w.mu);
  w.cv.wait(lk, [&w] { return w.queue.size() < kMaxQueuedBatches; });
  w.queue.push_back(std::move(batch));
  w.cv.notify_all();
}

void ReplayShards::RunWorker(Worker* w) {
  std::unique_lock lk(w->mu);
  for (;;) {
    w->cv.wait(lk, [w] { return w->stop || !w->queue.empty(); });
    if (w->queue.empty()) return;  // stop requested and nothing left
    std::vector<ReplayOp> batch = std::move(w->queue.front());
    w->queue.pop_front();
    w->in_flight++;
    w->cv.notify_all();  // room in the queue
    lk.unlock();
    Apply(batch, &w->counts);
    lk.lock();
    w->in_flight--;
    w->cv.notify_all();  // for Drain
  }
}

void ReplayShards::Drain() {
  if (workers_.empty()) {
    for (std::vector<ReplayOp>& buf : buffers_) {
      Apply(buf, &inline_counts_);
      buf.clear();
    }
    return;
  }
  for (size_t i = 0; i < buffers_.size(); i++) {
    if (!buffers_[i].empty()) Hand(i);
  }
  for (auto& w : workers_) {
    std::unique_lock lk(w->mu);
    w->cv.wait(lk, [&w] { return w->queue.empty() && w->in_flight == 0; });
  }
}

ReplayApplyCounts ReplayShards::Finish() {
  if (finished_) return inline_counts_;
  finished_ = true;
  Drain();
  for (auto& w : workers_) {
    {
      std::lock_guard lk(w->mu);
      w->stop = true;
    }
    w->cv.notify_all();
    w->thread.join();
    Merge(w->counts, &inline_counts_);
  }
  workers_.clear();
  return inline_counts_;
}

}  // namespace strata::tsdb::head
