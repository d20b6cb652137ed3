// Start-up: rebuilding the head from chunks_head/, the WAL (checkpoint + segments) and the WBL
// (Prometheus head_wal.go; prometheus-tsdb-formats.md §6.6, §7.6, §8.4).
//
// Damage is cut off, counted and survived: a corrupt chunks_head file and all later ones are
// deleted (their samples are still in the WAL); a corrupt WAL/WBL is truncated at the last good
// record. Acknowledged data before the damage is kept.
//
// OOO chunks found in chunks_head/ are adopted only when a WBL m-map marker names them. Every
// chunk cut at the cap gets a marker in the WBL; a chunk without one is either already in a
// block (OOO compaction truncated the WBL segments holding its marker, but the chunks_head file
// survived because other chunks in it are live) or was m-mapped by an OOO compaction that did
// not finish (its samples are still in the WBL and come back from there). Prometheus 2.42 adopts
// them all, so compacted OOO data comes back into the head after a restart and is compacted
// again.
#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "tsdb/head/head.h"
#include "tsdb/head/replay_shards.h"
#include "tsdb/record/record.h"
#include "tsdb/wal/checkpoint.h"
#include "tsdb/wal/reader.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::head {

class HeadReplayer final : private ReplaySeriesSink {
 public:
  HeadReplayer(Head* head, int64_t min_valid)
      : h_(head),
        min_valid_(min_valid),
        threads_(ApplyOptions(head, min_valid, this).shards),
        shards_(ApplyOptions(head, min_valid, this)) {}

  absl::Status LoadChunks();
  // Reads a log directory range record by record; repairs it at a corruption. With
  // `tail_checked`: if the range held records and was read to its end, cuts a torn tail there
  // and sets *tail_checked.
  absl::Status ReplayLog(const wal::SegmentRange& range, bool is_wbl, bool* tail_checked = nullptr);
  absl::Status ReplayWal();
  // Whether replay read the WAL's last non-empty segment to its end and cut a torn tail there:
  // opening the WAL for writing need not read that segment again.
  bool wal_tail_checked() const { return wal_tail_checked_; }

 private:
  // Where the samples of a log ref go, and the newest in-order time already in the chunks loaded
  // for it from chunks_head/: older samples would be dropped when applied (the series' last_t
  // only grows during replay), so they are dropped before reaching the shards.
  struct RefTarget {
    static constexpr uint32_t kNone = UINT32_MAX;
    ReplaySlot slot{kNone, 0};
    int64_t loaded_upto = INT64_MIN;
    bool known() const { return slot.shard != kNone; }
  };

  static ReplayApplyOptions ApplyOptions(Head* h, int64_t min_valid, ReplaySeriesSink* sink);
  // ReplaySeriesSink, called on the shards' threads.
  MemSeries* Create(uint64_t ref, labels::Labels lset, uint64_t hash, bool* created) override;
  // Adds the replayed series to the postings, in bulk once all exist: in ref order every list
  // only grows at its end (series created in parallel arrive out of ref order).
  void IndexCreated();

  absl::Status OnRecord(std::string_view rec, bool is_wbl);
  void OnSeries(record::RefSeries& rs);
  void OnSamples(bool is_wbl);
  // Queues the in-order chunks loaded for `ref` (the first series record of a ref takes them);
  // returns the newest time in them, or INT64_MIN if none is kept.
  int64_t QueueLoadedChunks(uint64_t ref, ReplaySlot slot);
  // The entry of a log ref, created unknown. Refs are dense (the head numbers series from 1),
  // so mostly a vector: the table is read once per sample and must stay small and cache-friendly.
  RefTarget& Target(uint64_t ref);
  const RefTarget* Lookup(uint64_t ref);

  struct OOOChunk {
    uint64_t series_ref;
    MmappedChunk chunk;
  };
  void OnMarker(const record::RefMmapMarker& m);

  Head* const h_;
  const int64_t min_valid_;
  const size_t threads_;  // replay's, also for the postings
  bool wal_tail_checked_ = false;
  absl::flat_hash_map<uint64_t, std::vector<MmappedChunk>> chunks_by_series_;  // in-order
  absl::flat_hash_map<uint64_t, OOOChunk> ooo_chunks_;  // by chunk ref, until a marker names it
  std::vector<RefTarget> by_ref_;
  uint64_t series_met_ = 0;  // Target calls: series records read
  absl::flat_hash_map<uint64_t, RefTarget> by_sparse_ref_;
  ReplayShards shards_;
  record::Decoder dec_;
  std::vector<record::RefSeries> series_;
  std::vector<record::RefSample> samples_;
  std::vector<record::RefMmapMarker> markers_;
};

ReplayApplyOptions HeadReplayer::ApplyOptions(Head* h, int64_t min_valid, ReplaySeriesSink* sink) {
  ReplayApplyOptions o;
  o.series_sink = sink;
  o.min_valid_time = min_valid;
  o.chunk_range_ms = h->opts_.chunk_range_ms;
  o.ooo_cap_max = h->opts_.ooo_cap_max;
  o.sink = h->chunk_sink();
  o.shards = h->opts_.replay_concurrency != 0
                 ? h->opts_.replay_concurrency
                 : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  return o;
}

absl::Status HeadReplayer::LoadChunks() {
  uint32_t corrupt_file = 0;
  absl::Status s = h_->chunk_mapper_->IterateAllChunks(
      [this](const chunks::HeadChunkRecord& r) {
        const MmappedChunk c{r.ref, r.mint, r.maxt, r.num_samples()};
        if (r.is_ooo()) {
          ooo_chunks_[r.ref] = OOOChunk{r.series_ref, c};
        } else {
          chunks_by_series_[r.series_ref].push_back(c);
        }
        return absl::OkStatus();
      },
      &corrupt_file);
  if (absl::IsDataLoss(s) && corrupt_file != 0) {
    // What was in the damaged files is still in the WAL/WBL. The records read from the damaged
    // file before the damage are deleted with it: forget them too.
    h_->replay_stats_.corruptions_repaired++;
    h_->replay_stats_.mmap_chunk_corruptions++;
    auto gone = [corrupt_file](const MmappedChunk& c) {
      return chunks::HeadChunkRefFile(c.ref) >= corrupt_file;
    };
    for (auto& [ref, list] : chunks_by_series_) std::erase_if(list, gone);
    absl::erase_if(ooo_chunks_, [&gone](const auto& kv) { return gone(kv.second.chunk); });
    return h_->chunk_mapper_->DeleteFilesFrom(corrupt_file);
  }
  return s;
}

HeadReplayer::RefTarget& HeadReplayer::Target(uint64_t ref) {
  // Dense only while refs stay near the number of series met: refs only grow over a tenant's
  // life, so after much churn a WAL holds few series with large refs, and a table sized by the
  // largest ref would cost far more than the series (a hash map then, slower but bounded).
  constexpr uint64_t kMaxDense = uint64_t{1} << 25;
  series_met_++;
  if (ref >= kMaxDense || ref > 4 * series_met_ + (uint64_t{1} << 16)) {
    return by_sparse_ref_[ref];
  }
  if (ref >= by_ref_.size()) by_ref_.resize(std::max<uint64_t>(ref + 1, by_ref_.size() * 2));
  return by_ref_[ref];
}

const HeadReplayer::RefTarget* HeadReplayer::Lookup(uint64_t ref) {
  if (ref < by_ref_.size() && by_ref_[ref].known()) return &by_ref_[ref];
  if (auto it = by_sparse_ref_.find(ref); it != by_sparse_ref_.end()) return &it->second;
  h_->replay_stats_.unknown_series_refs++;
  return nullptr;
}

MemSeries* HeadReplayer::Create(uint64_t ref, labels::Labels lset, uint64_t hash, bool* created) {
  return h_->CreateWithRef(ref, std::move(lset), hash, created);
}

void HeadReplayer::IndexCreated() {
  std::vector<std::pair<uint64_t, const labels::Labels*>> entries;
  for (const MemSeries* s : shards_.TakeCreated()) entries.emplace_back(s->ref(), &s->labels());
  std::sort(entries.begin(), entries.end());
  h_->postings_.AddMany(entries, threads_);
}

void HeadReplayer::OnSeries(record::RefSeries& rs) {
  const ReplaySlot slot = shards_.AddSeries(rs.ref, std::move(rs.labels));
  Target(rs.ref) = RefTarget{slot, QueueLoadedChunks(rs.ref, slot)};
}

int64_t HeadReplayer::QueueLoadedChunks(uint64_t ref, ReplaySlot slot) {
  auto it = chunks_by_series_.find(ref);
  if (it == chunks_by_series_.end()) return INT64_MIN;
  std::vector<MmappedChunk>& loaded = it->second;
  std::sort(loaded.begin(), loaded.end(), [](const MmappedChunk& a, const MmappedChunk& b) {
    return a.min_time < b.min_time;
  });
  // Adding a chunk raises the series' last_t to at least its max time.
  int64_t upto = INT64_MIN;
  for (const MmappedChunk& c : loaded) {
    if (c.max_time < min_valid_) continue;  // already in a block
    shards_.AddLoadedChunk(slot, c);
    upto = std::max(upto, c.max_time);
  }
  chunks_by_series_.erase(it);
  return upto;
}

void HeadReplayer::OnSamples(bool is_wbl) {
  const auto kind = is_wbl ? ReplayOp::Kind::kOOO : ReplayOp::Kind::kInOrder;
  for (const record::RefSample& x : samples_) {
    const RefTarget* target = Lookup(x.ref);
    if (target == nullptr) continue;
    if (!is_wbl && (x.t < min_valid_ || x.t <= target->loaded_upto)) continue;
    shards_.AddSample(target->slot, kind, x.t, x.v);
  }
}

absl::Status HeadReplayer::OnRecord(std::string_view rec, bool is_wbl) {
  auto type = record::Type(rec);
  if (!type.ok()) return absl::OkStatus();  // a newer record type: skip it, as Prometheus does
  switch (*type) {
    case record::RecordType::kSeries:
      RETURN_IF_ERROR(dec_.Series(rec, &series_));
      for (record::RefSeries& rs : series_) OnSeries(rs);
      return absl::OkStatus();
    case record::RecordType::kSamples:
      RETURN_IF_ERROR(dec_.Samples(rec, &samples_));
      OnSamples(is_wbl);
      return absl::OkStatus();
    case record::RecordType::kMmapMarkers:
      RETURN_IF_ERROR(dec_.MmapMarkers(rec, &markers_));
      for (const record::RefMmapMarker& m : markers_) OnMarker(m);
      return absl::OkStatus();
    default:
      return absl::OkStatus();  // tombstones, exemplars, metadata: not kept by the head yet
  }
}

void HeadReplayer::OnMarker(const record::RefMmapMarker& m) {
  // A marker for a chunk not found on disk (ref 0: none was cut; or its file was lost) is
  // ignored: the samples logged before it stay in the OOO head.
  auto it = ooo_chunks_.find(m.mmap_ref);
  if (it == ooo_chunks_.end() || it->second.series_ref != m.ref) return;
  const RefTarget* target = Lookup(m.ref);
  if (target == nullptr) return;
  shards_.AddMarker(target->slot, it->second.chunk);
  ooo_chunks_.erase(it);
}

absl::Status HeadReplayer::ReplayLog(const wal::SegmentRange& range, bool is_wbl,
                                     bool* tail_checked) {
  ASSIGN_OR_RETURN(auto reader, wal::Reader::Open(h_->fs_, range));
  bool any = false;
  while (reader->Next()) {
    any = true;
    (is_wbl ? h_->replay_stats_.wbl_records : h_->replay_stats_.wal_records)++;
    absl::Status s = OnRecord(reader->record(), is_wbl);
    if (!s.ok()) {
      // A record that frames correctly but does not decode: cut the log there too.
      h_->replay_stats_.corruptions_repaired++;
      return wal::Repair(h_->fs_, range.dir, reader->position());
    }
  }
  if (!reader->status().ok()) {
    if (!reader->corruption().has_value()) return reader->status();
    h_->replay_stats_.corruptions_repaired++;
    return wal::Repair(h_->fs_, range.dir, *reader->corruption());
  }
  const std::optional<wal::Position>& torn = reader->torn_tail();
  if (tail_checked == nullptr || (!any && !torn.has_value())) return absl::OkStatus();
  // The range ends the log and had data, so its last non-empty segment is the log's, read to
  // the end just now: cut what Wal::Open would (wal.cc RepairTornTail).
  if (torn.has_value()) RETURN_IF_ERROR_CTX(wal::Repair(h_->fs_, range.dir, *torn), "torn tail");
  *tail_checked = true;
  return absl::OkStatus();
}

absl::Status HeadReplayer::ReplayWal() {
  const std::string wal_dir = JoinPath(h_->dir_, "wal");
  RETURN_IF_ERROR(h_->fs_->CreateDirs(wal_dir));
  RETURN_IF_ERROR(wal::DeleteTmpCheckpoints(h_->fs_, wal_dir));
  wal::CheckpointRef checkpoint;
  if (auto last = wal::LastCheckpoint(h_->fs_, wal_dir); last.ok()) {
    checkpoint = *last;
    RETURN_IF_ERROR_CTX(ReplayLog(wal::SegmentRange{checkpoint.path}, false), "checkpoint");
  } else if (!absl::IsNotFound(last.status())) {
    return last.status();
  }
  RETURN_IF_ERROR_CTX(
      ReplayLog(wal::SegmentRange{wal_dir, checkpoint.index + 1}, false, &wal_tail_checked_),
      "WAL");
  const std::string wbl_dir = JoinPath(h_->dir_, "wbl");
  if (h_->fs_->IsDirectory(wbl_dir)) {
    RETURN_IF_ERROR_CTX(ReplayLog(wal::SegmentRange{wbl_dir}, true), "WBL");
  }
  const ReplayApplyCounts counts = shards_.Finish();
  IndexCreated();
  h_->replay_stats_.samples += counts.samples;
  h_->replay_stats_.ooo_samples += counts.ooo_samples;
  if (counts.ooo_samples > 0) h_->UpdateOOOTimes(counts.ooo_min_t, counts.ooo_max_t);
  return absl::OkStatus();
}

absl::Status Head::Replay(int64_t min_valid_time) {
  min_valid_time_ = min_valid_time;
  HeadReplayer r(this, min_valid_time);
  RETURN_IF_ERROR_CTX(r.LoadChunks(), "load chunks_head");
  RETURN_IF_ERROR(r.ReplayWal());

  wal::WalOptions o;
  o.segment_size_bytes = opts_.wal_segment_bytes;
  o.compress = opts_.wal_compression;
  o.repair_torn_tail = !r.wal_tail_checked();  // a CRC pass over the last segment saved
  ASSIGN_OR_RETURN(wal_, wal::Wal::Open(fs_, JoinPath(dir_, "wal"), o));
  const std::string wbl_dir = JoinPath(dir_, "wbl");
  bool wbl_has_data = false;
  if (fs_->IsDirectory(wbl_dir)) {
    ASSIGN_OR_RETURN(auto names, fs_->ListDir(wbl_dir));
    wbl_has_data = !names.empty();
  }
  if (wbl_has_data || ooo_window_ms_.load() > 0) RETURN_IF_ERROR(EnsureWbl());
  absl::MutexLock l(&truncate_mu_);
  truncated_below_ = min_valid_time;
  return CollectGarbage();  // series whose data all lay below min_valid_time
}

}  // namespace strata::tsdb::head
