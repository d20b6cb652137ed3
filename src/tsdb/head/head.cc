#include "tsdb/head/head.h"

#include <algorithm>

#include "tsdb/head/head_appender.h"
#include "tsdb/head/head_querier.h"
#include "util/atomic_minmax.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::head {

// Hands completed chunks to the ChunkDiskMapper. A write error is remembered and makes the head
// refuse further commits (write_error()); the chunk's samples stay in the WAL, so a restart
// recovers them.
class Head::ChunkWriter final : public ChunkSink {
 public:
  explicit ChunkWriter(chunks::ChunkDiskMapper* mapper) : mapper_(mapper) {}
  uint64_t WriteChunk(uint64_t series_ref, int64_t mint, int64_t maxt, uint8_t encoding,
                      std::string_view data) override {
    auto ref = mapper_->WriteChunk(series_ref, mint, maxt, encoding, data);
    if (ref.ok()) return *ref;
    absl::MutexLock l(&mu_);
    if (error_.ok()) error_ = Annotate(ref.status(), "write head chunk");
    return 0;
  }
  absl::Status error() const {
    absl::MutexLock l(&mu_);
    return error_;
  }

 private:
  chunks::ChunkDiskMapper* const mapper_;
  mutable absl::Mutex mu_;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

Head::Head(Fs* fs, std::string dir, HeadOptions opts)
    : fs_(fs),
      dir_(std::move(dir)),
      opts_(opts),
      ooo_window_ms_(opts.ooo_time_window_ms),
      series_(opts.stripe_size) {
  if (opts.ooo_time_window_ms > 0) ooo_ever_enabled_ = true;
}

Head::~Head() {
  if (wal_ != nullptr) (void)wal_->Close();
  if (wbl_ != nullptr) (void)wbl_->Close();
  if (chunk_mapper_ != nullptr) (void)chunk_mapper_->Close();
}

absl::StatusOr<std::unique_ptr<Head>> Head::Open(Fs* fs, std::string dir, HeadOptions opts,
                                                 int64_t min_valid_time) {
  if (opts.ooo_cap_max < 1 || opts.ooo_cap_max > 255) {
    return absl::InvalidArgumentError(
        StrCat("out_of_order_cap_max must be in 1..255, got ", opts.ooo_cap_max));
  }
  std::unique_ptr<Head> h(new Head(fs, std::move(dir), opts));
  RETURN_IF_ERROR_CTX(h->OpenFiles(), "open head");
  RETURN_IF_ERROR_CTX(h->Replay(min_valid_time), "replay head");
  return h;
}

absl::Status Head::OpenFiles() {
  RETURN_IF_ERROR(fs_->CreateDirs(dir_));
  ASSIGN_OR_RETURN(chunk_mapper_,
                   chunks::ChunkDiskMapper::Open(fs_, JoinPath(dir_, "chunks_head")));
  chunk_writer_ = std::make_unique<ChunkWriter>(chunk_mapper_.get());
  return absl::OkStatus();
}

absl::Status Head::EnsureWbl() {
  absl::MutexLock l(&wbl_open_mu_);
  if (wbl_ != nullptr) return absl::OkStatus();
  wal::WalOptions o;
  o.segment_size_bytes = opts_.wal_segment_bytes;
  o.compress = opts_.wal_compression;
  ASSIGN_OR_RETURN(auto wbl, wal::Wal::Open(fs_, JoinPath(dir_, "wbl"), o));
  ooo_ever_enabled_ = true;
  wbl_ = std::move(wbl);
  return absl::OkStatus();
}

void Head::SetOOOTimeWindow(int64_t window_ms) {
  ooo_window_ms_.store(window_ms);
  if (window_ms > 0) ooo_ever_enabled_ = true;
}

ChunkSink* Head::chunk_sink() const { return chunk_writer_.get(); }

void Head::SealBelow(int64_t t) {
  AtomicMax(min_valid_time_, t);
  epochs_.WaitForReaders();
}

std::unique_ptr<storage::Appender> Head::Appender() { return std::make_unique<HeadAppender>(this); }

std::unique_ptr<storage::Querier> Head::Querier(int64_t mint, int64_t maxt) {
  return std::make_unique<HeadQuerier>(this, mint, maxt, HeadReadMode{});
}

std::unique_ptr<storage::Querier> Head::InOrderQuerier(int64_t mint, int64_t maxt) {
  HeadReadMode mode;
  mode.ooo = false;
  return std::make_unique<HeadQuerier>(this, mint, maxt, mode);
}

std::unique_ptr<storage::Querier> Head::OOOQuerier(int64_t mint, int64_t maxt,
                                                   uint64_t max_mmap_ref) {
  HeadReadMode mode;
  mode.in_order = false;
  mode.ooo_mmapped_only = true;
  mode.max_mmap_ref = max_mmap_ref;
  return std::make_unique<HeadQuerier>(this, mint, maxt, mode);
}

MemSeries* Head::GetOrCreate(std::span<const labels::Label> lbls, std::string* scratch,
                             bool* created, storage::AppendResult* refusal) {
  labels::Labels::EncodeSorted(lbls, scratch);
  const uint64_t hash = labels::Labels::HashEncoded(*scratch);
  *created = false;
  if (MemSeries* s = series_.GetByHash(hash, *scratch)) return s;
  // The only copy of the labels a series keeps: made once, when the series is created.
  auto fresh = MemSeries::New(last_series_ref_.fetch_add(1) + 1, *scratch);
  if (opts_.lifecycle != nullptr) {
    *refusal = opts_.lifecycle->PreCreation(fresh->labels(), series_.size());
    if (*refusal != storage::AppendResult::kAppended) return nullptr;
  }
  auto [s, inserted] = series_.GetOrSet(hash, std::move(fresh));
  if (inserted) {
    postings_.Add(s->ref(), s->labels());
    *created = true;
    if (opts_.lifecycle != nullptr) opts_.lifecycle->PostCreation(s->labels(), /*replayed=*/false);
  } else if (opts_.lifecycle != nullptr) {
    opts_.lifecycle->CreationAborted(s->labels());
  }
  return s;
}

MemSeries* Head::CreateWithRef(uint64_t ref, labels::Labels lbls, uint64_t hash, bool* created) {
  auto [s, inserted] = series_.GetOrSet(hash, MemSeries::New(ref, lbls.data()));
  *created = inserted;
  if (inserted) {
    AtomicMax(last_series_ref_, ref);
    if (opts_.lifecycle != nullptr) opts_.lifecycle->PostCreation(s->labels(), /*replayed=*/true);
  }
  return s;
}

uint64_t Head::SeriesRef(const labels::Labels& lset) const {
  ReaderEpochGuard guard(&epochs_);
  const MemSeries* s = series_.GetByHash(lset.Hash(), lset.data());
  return s == nullptr ? 0 : s->ref();
}

void Head::UpdateTimes(int64_t mint, int64_t maxt) {
  absl::ReaderMutexLock l(&times_mu_);  // see CollectGarbage
  AtomicMin(min_time_, mint);
  AtomicMax(max_time_, maxt);
}

void Head::UpdateOOOTimes(int64_t mint, int64_t maxt) {
  absl::ReaderMutexLock l(&times_mu_);
  AtomicMin(min_ooo_time_, mint);
  AtomicMax(max_ooo_time_, maxt);
}

absl::Status Head::write_error() const {
  if (!wal_->status().ok()) return Annotate(wal_->status(), "WAL");
  if (wbl_ != nullptr && !wbl_->status().ok()) return Annotate(wbl_->status(), "WBL");
  return chunk_writer_->error();
}

absl::Status Head::Sync() {
  RETURN_IF_ERROR(wal_->Sync());
  {
    absl::MutexLock l(&wbl_open_mu_);
    if (wbl_ != nullptr) RETURN_IF_ERROR(wbl_->Sync());
  }
  return chunk_mapper_->Sync();
}

size_t Head::CountActiveSince(int64_t since_ms) const {
  if (opts_.activity_clock == nullptr) return 0;
  const int64_t since_s = std::max<int64_t>(1, since_ms / 1000);
  size_t n = 0;
  ReaderEpochGuard guard(&epochs_);
  series_.ForEach([&n, since_s](MemSeries& s) { n += s.active_at_s() >= since_s; });
  return n;
}

HeadStats Head::Stats() const {
  HeadStats st;
  ReaderEpochGuard guard(&epochs_);
  st.memory_bytes = sizeof(Head) + series_.MemoryBytes() + postings_.MemoryBytes();
  series_.ForEach([&st](MemSeries& s) {
    absl::ReaderMutexLock l(&s.mu());
    st.num_series++;
    st.memory_bytes += s.MemoryBytes();
    st.num_chunks += s.mmapped().size() + (s.head_chunk() != nullptr ? 1 : 0);
    if (const OOOState* o = s.ooo()) {
      st.num_ooo_series++;
      st.num_ooo_chunks += o->mmapped.size() + (o->head.empty() ? 0 : 1);
    }
  });
  st.min_time = MinTime();
  st.max_time = MaxTime();
  return st;
}

}  // namespace strata::tsdb::head
