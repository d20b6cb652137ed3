#include "tsdb/head/reader_epochs.h"

#include <chrono>
#include <thread>

namespace strata::tsdb::head {

int ReaderEpochs::Enter() {
  for (;;) {
    const uint64_t e = epoch_.load(std::memory_order_acquire);
    const int slot = static_cast<int>(e & 1);
    active_[slot].fetch_add(1, std::memory_order_acq_rel);
    // If the epoch moved meanwhile, a waiter may not count us: back out and retry in the new one.
    if (epoch_.load(std::memory_order_acquire) == e) return slot;
    active_[slot].fetch_sub(1, std::memory_order_release);
  }
}

void ReaderEpochs::WaitForReaders() {
  absl::MutexLock l(&wait_mu_);
  const int old_slot = static_cast<int>(epoch_.fetch_add(1, std::memory_order_acq_rel) & 1);
  // Readers are short (a request, a query); poll with a growing pause rather than make every
  // reader's exit signal a condition variable.
  auto pause = std::chrono::microseconds(10);
  while (active_[old_slot].load(std::memory_order_acquire) != 0) {
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(5)) pause *= 2;
  }
}

}  // namespace strata::tsdb::head
