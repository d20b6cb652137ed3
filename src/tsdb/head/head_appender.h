// HeadAppender: the head's storage::Appender (Prometheus headAppender).
//
// Append classifies each sample against a snapshot of the head's bounds (§7.2) and queues it;
// Commit applies the queue to the series (in-order chunks or OOO chunks, re-checking under the
// series lock since other appenders may have committed meanwhile), then logs series and in-order
// samples to the WAL and OOO samples with their m-map markers to the WBL, and flushes both to the
// operating system so an acknowledged sample survives a process kill.
#ifndef STRATA_TSDB_HEAD_HEAD_APPENDER_H_
#define STRATA_TSDB_HEAD_HEAD_APPENDER_H_

#include <string>
#include <vector>

#include "storage/appender.h"
#include "tsdb/head/head.h"
#include "tsdb/record/record.h"

namespace strata::tsdb::head {

// The bounds a sample is classified against, taken when the appender is created.
struct AppendBounds {
  int64_t min_valid = INT64_MIN;  // max(head min valid time, head max time - R/2)
  int64_t head_max_t = INT64_MIN;
  int64_t ooo_window = 0;
  int64_t late_accept_min_t = INT64_MAX;
};

enum class SampleKind : uint8_t { kInOrder, kOOO, kDuplicateNoop, kRejected };

// §7.2 for one sample of series `s`. On kRejected, *reason says why.
SampleKind Classify(const MemSeries& s, int64_t t, double v, const AppendBounds& b,
                    storage::AppendResult* reason) ABSL_SHARED_LOCKS_REQUIRED(s.mu());

class HeadAppender final : public storage::Appender {
 public:
  // Holds a reader entry of the head until Commit/Rollback/destruction.
  explicit HeadAppender(Head* head);
  ~HeadAppender() override;

  storage::AppendResult Append(std::span<const labels::Label> labels, int64_t t,
                               double v) override;
  absl::Status Commit() override;
  void Rollback() override;

 private:
  struct Pending {
    MemSeries* series;
    int64_t t;
    double v;
    bool in_order;  // as classified by Append: logged to the WAL before it is applied
  };
  // Logs new series and the in-order samples to the WAL, before memory changes (Prometheus's
  // order): a commit that fails to log changes nothing.
  absl::Status LogWal();
  // Moves pending samples into the series. Commit re-classifies each sample under its series
  // lock (other appenders may have committed since Append); OOO samples fill the WBL buffers.
  void Apply();
  // Logs OOO samples and m-map markers to the WBL: after Apply, because only then is it known
  // which chunk each OOO sample went to.
  absl::Status LogWbl();
  void CloseWblGroup();
  void Release();

  Head* const head_;
  // Entered before the bounds are read (members initialise in this order): Head::SealBelow
  // raises the floor, then waits for readers that entered before; an appender that read the old
  // floor but entered after that wait began would escape it.
  int epoch_slot_;
  const AppendBounds bounds_;
  const uint32_t active_at_s_;  // HeadOptions::activity_clock at creation; 0: not tracked
  bool released_ = false;
  std::string scratch_;
  std::vector<Pending> pending_;
  // Log buffers.
  std::vector<record::RefSeries> wal_series_;
  std::vector<record::RefSample> wal_samples_;
  std::vector<record::RefSample> wbl_samples_;
  std::vector<record::RefMmapMarker> wbl_markers_;
  std::vector<std::string> wbl_records_;  // closed groups, in log order
  std::string rec_buf_;
  std::string samples_buf_;
  int64_t min_t_ = INT64_MAX, max_t_ = INT64_MIN;
  int64_t ooo_min_t_ = INT64_MAX, ooo_max_t_ = INT64_MIN;
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_HEAD_APPENDER_H_
