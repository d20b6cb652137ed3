// A fixed-size pool of threads that run queued tasks in FIFO order. HttpServer runs handlers here
// so that a handler that blocks (disk writes, waiting for compaction) never stalls the I/O threads.
#ifndef STRATA_API_WORKER_POOL_H_
#define STRATA_API_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace strata::api {

// Thread-safe. The destructor calls Shutdown().
class WorkerPool {
 public:
  // REQUIRES: num_threads >= 1.
  explicit WorkerPool(int num_threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task` to run on a pool thread. Returns false, dropping the task, after Shutdown().
  bool Submit(std::function<void()> task);

  // Stops taking tasks, destroys queued tasks that have not started, and waits for running ones
  // to return. Idempotent. REQUIRES: not called from a pool thread.
  void Shutdown();

  int num_threads() const { return num_threads_; }

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }

  const int num_threads_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Written only by the constructor and Shutdown (never concurrently: Shutdown runs on the owner).
  std::vector<std::thread> threads_;
};

}  // namespace strata::api

#endif  // STRATA_API_WORKER_POOL_H_
