#include "tsdb/db.h"

#include <algorithm>

#include "storage/merge.h"
#include "tsdb/compact/compactor.h"
#include "tsdb/head/mem_series.h"
#include "util/failpoint.h"
#include "util/log.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The start of the R-aligned window holding t. Rounded down: Go's truncating division, which §7.7
// (and Prometheus) use, starts after a negative t and drops the samples before it.
int64_t WindowStart(int64_t t, int64_t r) { return t >= 0 ? r * (t / r) : -r * ((r - 1 - t) / r); }

// Whether the OOO samples of `cut` in the R-aligned window starting at `window` can go into the
// in-order block [mint, maxt), mint in that window: the cut has samples in [window, maxt) and
// none past maxt in the window (the last block of ForceCompact may end before the window does,
// and its max time must not cover what it does not hold: DB::Open takes it as persisted).
bool MergesOOO(const head::Head::OOOCut& cut, int64_t window, int64_t maxt, int64_t r) {
  if (cut.last_mmap_ref == 0 || window >= maxt) return false;
  const bool intersects = cut.mint < maxt && cut.maxt >= window;
  return intersects && (maxt == window + r || cut.maxt < maxt);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DB>> DB::Open(Fs* fs, std::string dir, DBOptions opts,
                                             const Clock* clock) {
  opts.head.chunk_range_ms = opts.block_range_ms;
  std::unique_ptr<DB> db(new DB(fs, std::move(dir), opts, clock));
  RETURN_IF_ERROR(fs->CreateDirs(db->dir_));
  RETURN_IF_ERROR_CTX(db->LoadBlocks(), "load blocks");
  // WAL samples older than the newest in-order block are already persisted (§7.7: OOO blocks
  // do not count, their window may reach into the head's range).
  int64_t min_valid = INT64_MIN;
  for (const auto& b : db->Blocks()) {
    if (!b->meta().compaction.FromOutOfOrder()) min_valid = std::max(min_valid, b->meta().max_time);
  }
  ASSIGN_OR_RETURN(db->head_, head::Head::Open(fs, db->dir_, opts.head, min_valid));
  return db;
}

DB::~DB() = default;

absl::Status DB::LoadBlocks() {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(dir_));
  std::vector<std::shared_ptr<block::Block>> blocks;
  for (const std::string& n : names) {
    const std::string path = JoinPath(dir_, n);
    // Leftovers of a write or delete that a crash interrupted (§1.1).
    if (EndsWith(n, ".tmp-for-creation") || EndsWith(n, ".tmp-for-deletion")) {
      RETURN_IF_ERROR(fs_->RemoveAll(path));
      continue;
    }
    if (!block::Ulid::Parse(n).has_value() || !fs_->IsDirectory(path)) continue;
    auto b = block::Block::Open(fs_, path);
    // Damage (a bad checksum, a truncated or missing file) is set aside so the tenant's other
    // blocks and head stay available; an I/O error fails the open, since the block may be fine.
    if (absl::IsDataLoss(b.status()) || absl::IsNotFound(b.status())) {
      RETURN_IF_ERROR(SetAside(path, b.status()));
      continue;
    }
    if (!b.ok()) return b.status();
    blocks.push_back(*std::move(b));
  }
  std::sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
    return a->meta().min_time < b->meta().min_time;
  });
  absl::MutexLock l(&mu_);
  blocks_ = std::make_shared<const std::vector<std::shared_ptr<block::Block>>>(std::move(blocks));
  return absl::OkStatus();
}

absl::Status DB::SetAside(const std::string& path, const absl::Status& damage) {
  const std::string aside = path + ".corrupted";
  log::Error("damaged block set aside, not served",
             {{"block", path}, {"err", std::string(damage.message())}, {"moved_to", aside}});
  RETURN_IF_ERROR_CTX(fs_->Rename(path, aside), StrCat("set aside damaged block ", path));
  corrupted_blocks_++;
  return fs_->SyncDir(dir_);
}

std::vector<std::shared_ptr<block::Block>> DB::Blocks() const {
  absl::MutexLock l(&mu_);
  return *blocks_;
}

void DB::AddBlock(std::shared_ptr<block::Block> b) {
  absl::MutexLock l(&mu_);
  auto next = std::make_shared<std::vector<std::shared_ptr<block::Block>>>(*blocks_);
  next->push_back(std::move(b));
  std::sort(next->begin(), next->end(), [](const auto& a, const auto& b) {
    return a->meta().min_time < b->meta().min_time;
  });
  blocks_ = std::move(next);
}

std::unique_ptr<storage::Querier> DB::Querier(int64_t mint, int64_t maxt) {
  // The head querier first: from then on the head keeps what it holds until this querier is
  // gone, and a block persisted after this point is in the list taken below (Head::TruncateMemory
  // waits for earlier readers after the block is added). The other order misses data that is
  // truncated from the head between the two.
  auto head = head_->Querier(mint, maxt);
  std::vector<std::unique_ptr<storage::Querier>> qs;
  for (const auto& b : Blocks()) {
    // Blocks are half-open [min, max); the query range is closed.
    if (b->meta().min_time <= maxt && b->meta().max_time > mint) qs.push_back(b->Querier(mint, maxt));
  }
  qs.push_back(std::move(head));
  return storage::MergeQueriers(std::move(qs));
}

block::BlockMeta DB::NewLevel1Meta(int64_t mint, int64_t maxt) const {
  block::BlockMeta meta;
  meta.ulid = block::Ulid::New(clock_->NowMs());
  meta.min_time = mint;
  meta.max_time = maxt;
  meta.compaction.level = 1;
  meta.compaction.sources = {meta.ulid};
  return meta;
}

absl::StatusOr<std::shared_ptr<block::Block>> DB::WriteAndOpenBlock(storage::Querier& q,
                                                                    int64_t mint, int64_t maxt,
                                                                    block::BlockMeta meta) {
  const std::string final_dir = JoinPath(dir_, meta.ulid.ToString());
  auto written = compact::WriteBlock(fs_, dir_, q, mint, maxt, std::move(meta));
  if (written.ok() && !written->has_value()) return nullptr;
  absl::StatusOr<std::shared_ptr<block::Block>> b =
      written.ok() ? block::Block::Open(fs_, final_dir) : written.status();
  // A block that reached its final name but could not be synced or opened would be found by
  // the next Open while its data is still in the head (and, after a retry, in a second block):
  // remove it, as Prometheus does when its reload fails.
  if (!b.ok()) (void)fs_->RemoveAll(final_dir);
  return b;
}

absl::Status DB::PersistHeadRange(int64_t mint, int64_t maxt, OOOMerge* ooo) {
  const int64_t r = opts_.block_range_ms;
  // The window both compaction loops cut [mint, maxt) from (a multiple of R, like WindowStart's).
  const int64_t window = head::RangeForTimestamp(mint, r) - r;
  const bool merge = ooo != nullptr && MergesOOO(ooo->cut, window, maxt, r);
  const int64_t block_mint = merge ? std::min(mint, window) : mint;
  // Appenders that started before may still commit in-order samples below maxt: let them finish,
  // and keep later ones out, so the block and the truncation see the same data.
  head_->SealBelow(maxt);
  std::shared_ptr<block::Block> b;
  {
    // The queriers pin the head's memory: they must be gone before truncation.
    std::vector<std::unique_ptr<storage::Querier>> qs;
    qs.push_back(head_->InOrderQuerier(mint, maxt - 1));
    if (merge) qs.push_back(head_->OOOQuerier(window, maxt - 1, ooo->cut.last_mmap_ref));
    auto q = storage::MergeQueriers(std::move(qs));
    ASSIGN_OR_RETURN(b, WriteAndOpenBlock(*q, block_mint, maxt - 1,
                                          NewLevel1Meta(block_mint, maxt)));
  }
  if (merge) ooo->merged_windows.push_back(window);
  if (b != nullptr) AddBlock(std::move(b));
  return head_->TruncateMemory(maxt);
}

absl::StatusOr<std::optional<DB::OOOMerge>> DB::CutOOOIfEnabled() {
  if (!head_->ooo_enabled()) return std::nullopt;
  ASSIGN_OR_RETURN(head::Head::OOOCut cut, head_->CutOOO());
  return OOOMerge{cut, {}};
}

absl::Status DB::CompactHead(int64_t mint, int64_t maxt) {
  absl::MutexLock l(&cmp_mu_);
  // Truncation drops every in-order chunk ending before maxt: data older than mint would be
  // dropped without being written to the block.
  if (head_->has_in_order_data() && head_->MinTime() < mint) {
    return absl::InvalidArgumentError(StrCat("compact head: range [", mint, ", ", maxt,
                                             ") starts after the head's oldest sample at ",
                                             head_->MinTime()));
  }
  RETURN_IF_ERROR(PersistHeadRange(mint, maxt, nullptr));
  return head_->TruncateWAL(maxt);
}

absl::Status DB::SetAsideDamagedBlocks() {
  absl::MutexLock l(&cmp_mu_);
  return SetAsideDamagedBlocksLocked();
}

absl::Status DB::SetAsideDamagedBlocksLocked() {
  std::vector<std::shared_ptr<block::Block>> damaged;
  {
    absl::MutexLock l(&mu_);
    for (const auto& b : *blocks_) {
      if (!b->damage().ok()) damaged.push_back(b);
    }
    if (damaged.empty()) return absl::OkStatus();
  }
  absl::Status first;
  for (const auto& b : damaged) {
    // Queriers holding the block keep reading their mapping; new ones no longer see it.
    absl::Status s = SetAside(b->dir(), b->damage());
    if (!s.ok()) {
      if (first.ok()) first = s;
      continue;
    }
    absl::MutexLock l(&mu_);
    auto rest = std::make_shared<std::vector<std::shared_ptr<block::Block>>>(*blocks_);
    std::erase(*rest, b);
    blocks_ = std::move(rest);
  }
  return first;
}

// Both passes cut the OOO head before the in-order windows, so that each window's block takes the
// window's OOO samples too: one block (and one index) per window instead of two. If a later step
// fails, the OOO head is not truncated, and the next attempt writes the OOO samples already merged
// into a block once more, into another block: queries deduplicate identical samples, so that
// costs disk space until the blocks are compacted, never correctness.
absl::Status DB::Compact() {
  absl::MutexLock l(&cmp_mu_);
  // A block that cannot be renamed stays listed and fails the reads that touch it; that must not
  // stop the head from being persisted.
  (void)SetAsideDamagedBlocksLocked();
  const int64_t r = opts_.block_range_ms;
  auto compactable = [&] {
    return head_->has_in_order_data() && head_->MaxTime() - head_->MinTime() > r / 2 * 3;
  };
  // OOO data is compacted only in a pass that persists in-order data (§7.8). Decided before the
  // loop (the head only grows until the loop truncates it), so the cut is made only when needed.
  std::optional<OOOMerge> ooo;
  if (compactable()) {
    ASSIGN_OR_RETURN(ooo, CutOOOIfEnabled());
  }
  int64_t last_maxt = INT64_MIN;
  while (compactable()) {
    const int64_t mint = head_->MinTime();
    const int64_t maxt = head::RangeForTimestamp(mint, r);
    RETURN_IF_ERROR_CTX(PersistHeadRange(mint, maxt, ooo ? &*ooo : nullptr), "compact head");
    last_maxt = maxt;
  }
  RETURN_IF_ERROR(FinishPassLocked(ooo ? &*ooo : nullptr, last_maxt));
  return ApplyRetention();
}

absl::StatusOr<int64_t> DB::PersistWholeHeadLocked(OOOMerge* ooo) {
  const int64_t r = opts_.block_range_ms;
  // What the head holds now. Samples keep arriving under live traffic: chasing them would cut a
  // tiny block per round and hold cmp_mu_ until the traffic stops.
  const int64_t end = head_->MaxTime();
  int64_t last_maxt = INT64_MIN;
  while (head_->has_in_order_data() && head_->MinTime() <= end) {
    const int64_t mint = head_->MinTime();
    const int64_t window_end = head::RangeForTimestamp(mint, r);
    // One block per aligned window; the last one ends right after the newest sample.
    const int64_t maxt = std::min(window_end, end + 1);
    // Samples of slower series may still arrive for the window being cut: let them in as OOO.
    head_->SetLateAcceptMinTime(head::RangeForTimestamp(maxt - 1, r) - r);
    RETURN_IF_ERROR_CTX(PersistHeadRange(mint, maxt, ooo), "compact head");
    last_maxt = maxt;
  }
  return last_maxt;
}

absl::Status DB::ForceCompactHead() {
  absl::MutexLock l(&cmp_mu_);
  ASSIGN_OR_RETURN(const int64_t last_maxt, PersistWholeHeadLocked(nullptr));
  return head_->TruncateWAL(last_maxt);
}

absl::Status DB::FinishPassLocked(const OOOMerge* ooo, int64_t wal_t) {
  // Independent steps: one failing must not hold the other back. A WAL never checkpointed would
  // fill the disk; an OOO head not truncated has its merged samples written a second time.
  const absl::Status ooo_status = ooo != nullptr ? CompactOOOCutLocked(*ooo) : absl::OkStatus();
  const absl::Status wal_status = head_->TruncateWAL(wal_t);
  return ooo_status.ok() ? wal_status : ooo_status;
}

absl::Status DB::CompactOOOCutLocked(const OOOMerge& ooo) {
  std::vector<std::shared_ptr<block::Block>> written;
  if (absl::Status s = WriteOOOBlocks(ooo, &written); !s.ok()) {
    // Nothing is truncated: the OOO data stays in memory and in the WBL for the next attempt.
    for (const auto& b : written) (void)fs_->RemoveAll(b->dir());
    return Annotate(s, "compact OOO head");
  }
  for (auto& b : written) AddBlock(std::move(b));
  return Annotate(head_->TruncateOOO(ooo.cut), "truncate OOO head");
}

absl::Status DB::WriteOOOBlocks(const OOOMerge& ooo,
                                std::vector<std::shared_ptr<block::Block>>* out) {
  const head::Head::OOOCut& cut = ooo.cut;
  if (cut.last_mmap_ref == 0) return absl::OkStatus();
  RETURN_IF_ERROR(failpoint::Check("ooo_compaction"));  // end-to-end tests of the failure path
  const int64_t r = opts_.block_range_ms;
  for (int64_t t = WindowStart(cut.mint, r); t <= cut.maxt; t += r) {
    // The window's OOO samples are in its in-order block already.
    if (std::ranges::find(ooo.merged_windows, t) != ooo.merged_windows.end()) continue;
    block::BlockMeta meta = NewLevel1Meta(t, t + r);
    meta.compaction.SetOutOfOrder();
    auto q = head_->OOOQuerier(t, t + r - 1, cut.last_mmap_ref);
    ASSIGN_OR_RETURN(std::shared_ptr<block::Block> b,
                     WriteAndOpenBlock(*q, t, t + r - 1, std::move(meta)));
    if (b != nullptr) out->push_back(std::move(b));
  }
  return absl::OkStatus();
}

absl::Status DB::CompactOOOHead() {
  absl::MutexLock l(&cmp_mu_);
  ASSIGN_OR_RETURN(std::optional<OOOMerge> ooo, CutOOOIfEnabled());
  return ooo.has_value() ? CompactOOOCutLocked(*ooo) : absl::OkStatus();
}

absl::Status DB::ForceCompact() {
  absl::MutexLock l(&cmp_mu_);
  (void)SetAsideDamagedBlocksLocked();  // as in Compact
  // Cut first, as in Compact; with no in-order data nothing merges and the OOO step writes all.
  ASSIGN_OR_RETURN(std::optional<OOOMerge> ooo, CutOOOIfEnabled());
  ASSIGN_OR_RETURN(const int64_t last_maxt, PersistWholeHeadLocked(ooo ? &*ooo : nullptr));
  return FinishPassLocked(ooo ? &*ooo : nullptr, last_maxt);
}

absl::Status DB::ApplyRetention() {
  if (opts_.retention_ms <= 0) return absl::OkStatus();
  std::vector<std::shared_ptr<block::Block>> keep, drop;
  {
    absl::MutexLock l(&mu_);
    int64_t newest = INT64_MIN;
    for (const auto& b : *blocks_) newest = std::max(newest, b->meta().max_time);
    for (const auto& b : *blocks_) {
      const bool expired = b->meta().max_time <= newest - opts_.retention_ms &&
                           (!opts_.can_delete_block || opts_.can_delete_block(b->meta()));
      (expired ? drop : keep).push_back(b);
    }
    if (drop.empty()) return absl::OkStatus();
    blocks_ = std::make_shared<const std::vector<std::shared_ptr<block::Block>>>(std::move(keep));
  }
  for (const auto& b : drop) {
    // Rename first so a crash mid-delete leaves a leftover Open removes, never half a block.
    const std::string doomed = b->dir() + ".tmp-for-deletion";
    RETURN_IF_ERROR(fs_->Rename(b->dir(), doomed));
    RETURN_IF_ERROR(fs_->RemoveAll(doomed));
  }
  return absl::OkStatus();
}

DBStats DB::Stats() const {
  DBStats st;
  st.head = head_->Stats();
  for (const auto& b : Blocks()) {
    st.num_blocks++;
    st.blocks_bytes += b->size_bytes();
  }
  st.wal_bytes = DirBytes(fs_, JoinPath(dir_, "wal"));
  st.wbl_bytes = DirBytes(fs_, JoinPath(dir_, "wbl"));
  return st;
}

}  // namespace strata::tsdb
