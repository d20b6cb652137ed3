#include "tsdb/head/reader_epochs.h"

#include <chrono>
#include <thread>

namespace strata::tsdb::head {

int ReaderEpochs::Enter() {
  // seq_cst, not acquire/release: "count myself, then read the epoch" here against "advance the
  // epoch, then read the count" in WaitForReaders is Dekker's pattern; only a single total order
  // guarantees that the waiter sees this reader or this reader sees the new epoch (and whatever
  // the waiter published before it, such as SealBelow's floor).
  for (;;) {
    const uint64_t e = epoch_.load();
    const int slot = static_cast<int>(e & 1);
    active_[slot].fetch_add(1);
    // If the epoch moved meanwhile, a waiter may not count us: back out and retry in the new one.
    if (epoch_.load() == e) return slot;
    active_[slot].fetch_sub(1, std::memory_order_release);
  }
}

void ReaderEpochs::WaitForReaders() {
  absl::MutexLock l(&wait_mu_);
  const int old_slot = static_cast<int>(epoch_.fetch_add(1) & 1);  // seq_cst: see Enter
  // Readers are short (a request, a query); poll with a growing pause rather than make every
  // reader's exit signal a condition variable.
  auto pause = std::chrono::microseconds(10);
  while (active_[old_slot].load() != 0) {
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(5)) pause *= 2;
  }
}

}  // namespace strata::tsdb::head
