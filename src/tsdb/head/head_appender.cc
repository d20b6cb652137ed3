#include "tsdb/head/head_appender.h"

#include <algorithm>
#include <bit>

#include "util/status_macros.h"

namespace strata::tsdb::head {

using storage::AppendResult;

SampleKind Classify(const MemSeries& s, int64_t t, double v, const AppendBounds& b,
                    AppendResult* reason) {
  if (t >= b.min_valid) {
    if (!s.has_in_order_data() || t > s.last_t()) return SampleKind::kInOrder;
    if (t == s.last_t()) {
      if (std::bit_cast<uint64_t>(v) == s.last_v_bits()) return SampleKind::kDuplicateNoop;
      *reason = AppendResult::kDuplicateSample;
      return SampleKind::kRejected;
    }
  }
  if (b.ooo_window > 0 && t >= b.head_max_t - b.ooo_window) return SampleKind::kOOO;
  // Late samples of a window that a forced compaction just cut off (docs/ARCHITECTURE.md §3).
  if (t >= b.late_accept_min_t && t < b.min_valid) return SampleKind::kOOO;
  if (b.ooo_window > 0) {
    *reason = AppendResult::kTooOld;
  } else {
    *reason = t < b.min_valid ? AppendResult::kOutOfBounds : AppendResult::kOutOfOrder;
  }
  return SampleKind::kRejected;
}

namespace {

AppendBounds BoundsOf(const Head& h, int64_t chunk_range_ms) {
  AppendBounds b;
  b.head_max_t = h.MaxTime();
  b.min_valid = h.min_valid_time();
  if (h.has_in_order_data()) b.min_valid = std::max(b.min_valid, b.head_max_t - chunk_range_ms / 2);
  b.ooo_window = h.ooo_time_window_ms();
  return b;
}

}  // namespace

HeadAppender::HeadAppender(Head* head)
    : head_(head), epoch_slot_(head->epochs_.Enter()), bounds_([head] {
        AppendBounds b = BoundsOf(*head, head->opts_.chunk_range_ms);
        b.late_accept_min_t = head->late_accept_min_t_.load();
        return b;
      }()),
      active_at_s_(head->opts_.activity_clock == nullptr
                       ? 0
                       : static_cast<uint32_t>(head->opts_.activity_clock->NowMs() / 1000)) {}

HeadAppender::~HeadAppender() {
  if (!released_) Rollback();
}

void HeadAppender::Release() {
  if (released_) return;
  released_ = true;
  head_->epochs_.Exit(epoch_slot_);
}

AppendResult HeadAppender::Append(std::span<const labels::Label> lbls, int64_t t, double v) {
  for (;;) {
    bool created = false;
    AppendResult refusal = AppendResult::kSeriesLimit;
    MemSeries* s = head_->GetOrCreate(lbls, &scratch_, &created, &refusal);
    if (s == nullptr) return refusal;
    absl::MutexLock l(&s->mu());
    // Truncation unlinked it between lookup and lock: it is gone from the head, look again.
    if (s->dead()) continue;
    AppendResult reason = AppendResult::kAppended;
    SampleKind kind = Classify(*s, t, v, bounds_, &reason);
    if (kind == SampleKind::kRejected) return reason;
    if (kind == SampleKind::kDuplicateNoop) return AppendResult::kDuplicateIgnored;
    if (active_at_s_ != 0) s->MarkActive(active_at_s_);
    s->AddPending();  // keeps truncation away from the series until Commit
    pending_.push_back(Pending{s, t, v, kind == SampleKind::kInOrder});
    return AppendResult::kAppended;
  }
}

void HeadAppender::Apply() {
  const size_t cap = head_->opts_.ooo_cap_max;
  const int64_t range = head_->opts_.chunk_range_ms;
  for (const Pending& p : pending_) {
    MemSeries* s = p.series;
    absl::MutexLock l(&s->mu());
    s->RemovePending();
    AppendResult reason;
    switch (Classify(*s, p.t, p.v, bounds_, &reason)) {
      case SampleKind::kInOrder:
        s->AppendInOrder(p.t, p.v, range, head_->chunk_sink());
        min_t_ = std::min(min_t_, p.t);
        max_t_ = std::max(max_t_, p.t);
        break;
      case SampleKind::kOOO: {
        uint64_t mmapped = 0;
        bool cut = s->ooo() == nullptr || s->ooo()->head.num_samples() >= cap;
        if (!s->InsertOOO(p.t, p.v, cap, head_->chunk_sink(), &mmapped)) break;
        // A marker says "what was logged for this series before is in chunk `mmapped`".
        if (cut) {
          // The marker must follow every sample logged for the old chunk: close the group.
          if (!wbl_samples_.empty()) CloseWblGroup();
          wbl_markers_.push_back(record::RefMmapMarker{s->ref(), mmapped});
        }
        wbl_samples_.push_back(record::RefSample{s->ref(), p.t, p.v});
        ooo_min_t_ = std::min(ooo_min_t_, p.t);
        ooo_max_t_ = std::max(ooo_max_t_, p.t);
        break;
      }
      case SampleKind::kDuplicateNoop:
      case SampleKind::kRejected:
        break;  // another appender committed first; the sample is dropped as Prometheus does
    }
  }
}

absl::Status HeadAppender::LogWal() {
  for (const Pending& p : pending_) {
    if (!p.series->logged()) wal_series_.push_back(record::RefSeries{p.series->ref(), p.series->labels()});
    if (p.in_order) wal_samples_.push_back(record::RefSample{p.series->ref(), p.t, p.v});
  }
  // Series records first: replay must know a ref before samples use it. Several appenders may log
  // the same series; replay tolerates the repetition.
  std::sort(wal_series_.begin(), wal_series_.end(),
            [](const record::RefSeries& a, const record::RefSeries& b) { return a.ref < b.ref; });
  wal_series_.erase(std::unique(wal_series_.begin(), wal_series_.end(),
                                [](const auto& a, const auto& b) { return a.ref == b.ref; }),
                    wal_series_.end());
  rec_buf_.clear();
  samples_buf_.clear();
  if (!wal_series_.empty()) record::EncodeSeries(wal_series_, &rec_buf_);
  if (!wal_samples_.empty()) record::EncodeSamples(wal_samples_, &samples_buf_);
  // One call: both records reach the operating system together (Wal::Log hands them over).
  if (!rec_buf_.empty() && !samples_buf_.empty()) {
    RETURN_IF_ERROR(head_->wal_->Log({rec_buf_, samples_buf_}));
  } else if (!rec_buf_.empty() || !samples_buf_.empty()) {
    RETURN_IF_ERROR(head_->wal_->Log(rec_buf_.empty() ? samples_buf_ : rec_buf_));
  }
  for (const record::RefSeries& rs : wal_series_) {
    if (MemSeries* s = head_->series_.GetByRef(rs.ref)) {
      absl::MutexLock l(&s->mu());
      s->set_logged();
    }
  }
  return absl::OkStatus();
}

absl::Status HeadAppender::LogWbl() {
  CloseWblGroup();
  if (wbl_records_.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(head_->EnsureWbl());
  std::vector<std::string_view> recs(wbl_records_.begin(), wbl_records_.end());
  return head_->wbl_->Log(recs);
}

void HeadAppender::CloseWblGroup() {
  // A group is [markers of chunks cut before its samples] then [its samples] (§7.5).
  if (!wbl_markers_.empty()) {
    record::EncodeMmapMarkers(wbl_markers_, &wbl_records_.emplace_back());
    wbl_markers_.clear();
  }
  if (!wbl_samples_.empty()) {
    record::EncodeSamples(wbl_samples_, &wbl_records_.emplace_back());
    wbl_samples_.clear();
  }
}

absl::Status HeadAppender::Commit() {
  if (released_) return absl::FailedPreconditionError("appender already committed");
  RETURN_IF_ERROR(head_->write_error());
  if (absl::Status s = LogWal(); !s.ok()) {
    Rollback();
    return s;
  }
  Apply();
  absl::Status s = LogWbl();
  if (min_t_ <= max_t_) head_->UpdateTimes(min_t_, max_t_);
  if (ooo_min_t_ <= ooo_max_t_) head_->UpdateOOOTimes(ooo_min_t_, ooo_max_t_);
  pending_.clear();
  Release();
  return s;
}

void HeadAppender::Rollback() {
  for (const Pending& p : pending_) {
    absl::MutexLock l(&p.series->mu());
    p.series->RemovePending();
  }
  pending_.clear();
  Release();
}

}  // namespace strata::tsdb::head
