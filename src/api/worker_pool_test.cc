#include "api/worker_pool.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace strata::api {
namespace {

TEST(WorkerPoolTest, RunsEveryTask) {
  std::atomic<int> sum{0};
  {
    WorkerPool pool(3);
    absl::Notification all_done;
    std::atomic<int> left{100};
    for (int i = 1; i <= 100; ++i) {
      ASSERT_TRUE(pool.Submit([&, i] {
        sum += i;
        if (--left == 0) all_done.Notify();
      }));
    }
    all_done.WaitForNotification();
  }
  EXPECT_EQ(sum.load(), 5050);
}

TEST(WorkerPoolTest, BlockedTaskDoesNotBlockOthers) {
  // Declared before the pool, so they outlive its workers: the blocked task is still returning
  // from WaitForNotification after Notify (TSan caught the notification destroyed under it).
  absl::Notification release, other_ran;
  WorkerPool pool(2);
  ASSERT_TRUE(pool.Submit([&] { release.WaitForNotification(); }));
  ASSERT_TRUE(pool.Submit([&] { other_ran.Notify(); }));
  EXPECT_TRUE(other_ran.WaitForNotificationWithTimeout(absl::Seconds(10)));
  release.Notify();
}

TEST(WorkerPoolTest, ShutdownWaitsForRunningAndDropsQueued) {
  auto pool = std::make_unique<WorkerPool>(1);
  absl::Notification started, release;
  std::atomic<bool> finished{false};
  auto token = std::make_shared<int>(0);  // Owned by the queued task only.
  std::weak_ptr<int> queued_alive = token;
  std::atomic<bool> queued_ran{false};
  ASSERT_TRUE(pool->Submit([&] {
    started.Notify();
    release.WaitForNotification();
    finished = true;
  }));
  ASSERT_TRUE(pool->Submit([&, token = std::move(token)] { queued_ran = true; }));
  started.WaitForNotification();
  std::thread stopper([&] { pool->Shutdown(); });
  // The queued task is destroyed by Shutdown before it joins the running one.
  while (!queued_alive.expired()) std::this_thread::yield();
  EXPECT_FALSE(pool->Submit([] {}));
  EXPECT_FALSE(finished.load());
  release.Notify();
  stopper.join();
  EXPECT_TRUE(finished.load());
  EXPECT_FALSE(queued_ran.load());
}

}  // namespace
}  // namespace strata::api
