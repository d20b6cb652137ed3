#include "api/worker_pool.h"

#include <utility>

#include "util/check.h"

namespace strata::api {

WorkerPool::WorkerPool(int num_threads) : num_threads_(num_threads) {
  CHECK(num_threads >= 1);
  threads_.reserve(num_threads);
  for (int i = 0; i < num_threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkerPool::~WorkerPool() { Shutdown(); }

bool WorkerPool::Submit(std::function<void()> task) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back(std::move(task));
      return true;
    }
  }
  // Destroy the rejected task outside the lock: it may own objects whose destructors lock.
  task = nullptr;
  return false;
}

void WorkerPool::Shutdown() {
  std::deque<std::function<void()>> dropped;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  dropped.clear();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::Run() {
  while (true) {
    std::function<void()> task;
    {
      mu_.LockWhen(absl::Condition(this, &WorkerPool::HasWorkOrStopping));
      if (stopping_) {
        mu_.Unlock();
        return;
      }
      task = std::move(queue_.front());
      queue_.pop_front();
      mu_.Unlock();
    }
    task();
  }
}

}  // namespace strata::api
