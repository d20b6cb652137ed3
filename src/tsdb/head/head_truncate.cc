// Giving memory back: truncation of in-order data after head compaction (§9.5), of OOO data after
// OOO compaction (§7.7 step 5), and of the WAL (§9.6).
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "tsdb/head/head.h"
#include "tsdb/wal/checkpoint.h"
#include "util/atomic_minmax.h"
#include "util/status_macros.h"

namespace strata::tsdb::head {
namespace {

// The oldest chunks_head file any remaining chunk refers to (UINT32_MAX if none).
uint32_t OldestFile(const MemSeries& s) ABSL_SHARED_LOCKS_REQUIRED(s.mu()) {
  uint32_t oldest = UINT32_MAX;
  auto note = [&oldest](const MmappedChunk& c) {
    if (c.ref != 0) oldest = std::min(oldest, chunks::HeadChunkRefFile(c.ref));
  };
  for (const MmappedChunk& c : s.mmapped()) note(c);
  if (s.ooo() != nullptr) {
    for (const MmappedChunk& c : s.ooo()->mmapped) note(c);
  }
  return oldest;
}

}  // namespace

absl::Status Head::CollectGarbage() {
  std::vector<std::unique_ptr<MemSeries>> removed =
      series_.Gc([](MemSeries& s) {
        s.mu().AssertHeld();  // Gc calls with it held; the analysis cannot see through std::function
        return s.MarkDeadIfCollectable();
      });
  if (!removed.empty()) {
    absl::flat_hash_set<uint64_t> refs;
    std::vector<labels::Labels> lsets;
    for (const auto& s : removed) {
      refs.insert(s->ref());
      lsets.push_back(s->labels());
    }
    postings_.Delete(refs, lsets);
    if (opts_.lifecycle != nullptr) {
      for (const labels::Labels& l : lsets) opts_.lifecycle->PostDeletion(l);
    }
  }
  // Queriers and appenders that started earlier may still point at removed series or read
  // chunk files about to go: let them finish first.
  epochs_.WaitForReaders();
  removed.clear();

  // Commits must not widen the bounds between the scan and the stores below: their widening
  // would be overwritten, and a head MinTime above a live sample makes the next compaction
  // truncate it without persisting it.
  absl::MutexLock times_lock(&times_mu_);
  int64_t mint = INT64_MAX, maxt = INT64_MIN, ooo_mint = INT64_MAX, ooo_maxt = INT64_MIN;
  uint32_t oldest_file = UINT32_MAX;
  series_.ForEach([&](MemSeries& s) {
    absl::ReaderMutexLock l(&s.mu());
    if (s.has_in_order_data()) {
      mint = std::min(mint, s.min_time());
      maxt = std::max(maxt, s.last_t());
    }
    if (const OOOState* o = s.ooo()) {
      for (const MmappedChunk& c : o->mmapped) {
        ooo_mint = std::min(ooo_mint, c.min_time);
        ooo_maxt = std::max(ooo_maxt, c.max_time);
      }
      if (!o->head.empty()) {
        ooo_mint = std::min(ooo_mint, o->head.min_time());
        ooo_maxt = std::max(ooo_maxt, o->head.max_time());
      }
    }
    oldest_file = std::min(oldest_file, OldestFile(s));
  });
  // A chunk straddling the last truncation still holds samples below it; they are in a block
  // already. The head starts at the truncation (Prometheus sets minTime to it), so the next
  // block does not persist them a second time.
  if (mint <= maxt) mint = std::max(mint, std::min(truncated_below_, maxt));
  min_time_ = mint;
  max_time_ = maxt;
  min_ooo_time_ = ooo_mint;
  max_ooo_time_ = ooo_maxt;
  // Files before the oldest referenced one are garbage; with no reference left, all but the newest.
  const uint32_t keep_from =
      oldest_file == UINT32_MAX ? chunk_mapper_->highest_file() + 1 : oldest_file;
  return chunk_mapper_->Truncate(keep_from);
}

absl::Status Head::TruncateMemory(int64_t t) {
  absl::MutexLock l(&truncate_mu_);
  AtomicMax(min_valid_time_, t);
  truncated_below_ = std::max(truncated_below_, t);
  // A querier that started before the block for [.., t) was added reads these chunks, not the
  // block: let it finish before they go. Later queriers see the block (DB::Querier takes its
  // head querier before its list of blocks).
  epochs_.WaitForReaders();
  series_.ForEach([t](MemSeries& s) {
    absl::MutexLock sl(&s.mu());
    s.TruncateChunksBefore(t);
  });
  return CollectGarbage();
}

absl::StatusOr<Head::OOOCut> Head::CutOOO() {
  OOOCut cut;
  {
    absl::MutexLock l(&wbl_open_mu_);
    if (wbl_ != nullptr) {
      ASSIGN_OR_RETURN(cut.last_wbl_segment, wbl_->NextSegment());
    }
  }
  absl::MutexLock tl(&truncate_mu_);
  series_.ForEach([&](MemSeries& s) {
    absl::MutexLock l(&s.mu());
    if (s.ooo() == nullptr) return;
    s.MmapOOOHead(chunk_sink());
    for (const MmappedChunk& c : s.ooo()->mmapped) {
      cut.last_mmap_ref = std::max(cut.last_mmap_ref, c.ref);
    }
  });
  // The times in a second pass: an appender whose OOO head fills up m-maps it meanwhile, in a
  // series already visited, with a ref below that of a series visited later. That chunk is part
  // of the cut (TruncateOOO drops it), so its samples must be inside [mint, maxt] or no OOO
  // block covers them (regression: DBConcurrencyTest lost samples just past a window's start).
  // A chunk m-mapped after the first pass has a higher ref than any in the cut.
  series_.ForEach([&](MemSeries& s) {
    absl::ReaderMutexLock l(&s.mu());
    if (s.ooo() == nullptr) return;
    for (const MmappedChunk& c : s.ooo()->mmapped) {
      if (c.ref > cut.last_mmap_ref) continue;
      cut.mint = std::min(cut.mint, c.min_time);
      cut.maxt = std::max(cut.maxt, c.max_time);
    }
  });
  RETURN_IF_ERROR(write_error());
  return cut;
}

absl::Status Head::TruncateOOO(const OOOCut& cut) {
  {
    absl::MutexLock tl(&truncate_mu_);
    if (cut.last_mmap_ref != 0) {
      // As in TruncateMemory: queriers that started before the OOO blocks were added finish first.
      epochs_.WaitForReaders();
      series_.ForEach([&](MemSeries& s) {
        absl::MutexLock l(&s.mu());
        s.TruncateOOOUpTo(cut.last_mmap_ref);
      });
    }
    RETURN_IF_ERROR(CollectGarbage());
  }
  absl::MutexLock l(&wbl_open_mu_);
  if (wbl_ != nullptr && cut.last_wbl_segment > 0) {
    RETURN_IF_ERROR_CTX(wbl_->Truncate(cut.last_wbl_segment), "truncate WBL");
  }
  return absl::OkStatus();
}

absl::Status Head::TruncateWAL(int64_t t) {
  if (t <= last_wal_truncation_t_) return absl::OkStatus();
  ASSIGN_OR_RETURN(wal::SegmentBounds bounds, wal_->Segments());
  ASSIGN_OR_RETURN(int current, wal_->NextSegment());
  int last = current - 1;  // never checkpoint the segment being written
  if (last < 0 || bounds.first < 0) return absl::OkStatus();
  const int first = bounds.first;
  last = first + (last - first) * 2 / 3;  // only the oldest two thirds (§9.6)
  if (last <= first) return absl::OkStatus();
  auto keep = [this](uint64_t ref) { return series_.GetByRef(ref) != nullptr; };
  wal::CheckpointOptions o;
  o.compress = opts_.wal_compression;
  o.segment_size_bytes = opts_.wal_segment_bytes;
  auto stats = wal::Checkpoint(fs_, wal_->dir(), first, last, keep, t, o);
  RETURN_IF_ERROR_CTX(stats.status(), "checkpoint WAL");
  RETURN_IF_ERROR_CTX(wal_->Truncate(last + 1), "truncate WAL");
  last_wal_truncation_t_ = t;
  return absl::OkStatus();
}

}  // namespace strata::tsdb::head
