// Lets readers (queriers, appenders) use head memory without locks while truncation frees it:
// a two-slot epoch scheme. A reader enters the current epoch's slot; truncation unlinks what it
// wants to free, advances the epoch (new readers use the other slot) and waits until the slot of
// the previous epoch drains before freeing. Readers never block, so a thread may hold several
// entries at once (a querier and Stats(), say) without the deadlock a reentrant reader lock risks,
// and a steady stream of readers cannot starve truncation.
#ifndef STRATA_TSDB_HEAD_READER_EPOCHS_H_
#define STRATA_TSDB_HEAD_READER_EPOCHS_H_

#include <atomic>
#include <cstdint>

#include "absl/synchronization/mutex.h"

namespace strata::tsdb::head {

class ReaderEpochs {
 public:
  // Returns the slot to pass to Exit.
  int Enter();
  void Exit(int slot) { active_[slot].fetch_sub(1, std::memory_order_release); }
  // Returns once every reader that entered before the call has exited. Callers are serialised.
  // REQUIRES: the calling thread holds no entry (it would wait for itself).
  void WaitForReaders();

 private:
  std::atomic<uint64_t> epoch_{0};
  std::atomic<int64_t> active_[2] = {0, 0};
  absl::Mutex wait_mu_;
};

// RAII entry.
class ReaderEpochGuard {
 public:
  explicit ReaderEpochGuard(ReaderEpochs* e) : e_(e), slot_(e->Enter()) {}
  ~ReaderEpochGuard() { e_->Exit(slot_); }
  ReaderEpochGuard(const ReaderEpochGuard&) = delete;
  ReaderEpochGuard& operator=(const ReaderEpochGuard&) = delete;

 private:
  ReaderEpochs* e_;
  int slot_;
};

}  // namespace strata::tsdb::head

#endif  // STRATA_TSDB_HEAD_READER_EPOCHS_H_
