// Time as a dependency (docs/STYLE.md §4): production code asks a Clock, tests inject FakeClock.
#ifndef STRATA_UTIL_CLOCK_H_
#define STRATA_UTIL_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace strata {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in milliseconds since the Unix epoch (the unit of every TSDB timestamp).
  virtual int64_t NowMs() const = 0;
};

// The system's real-time clock. Thread-safe.
class RealClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  // A process-wide instance; never destroyed.
  static RealClock* Default() {
    static RealClock* clock = new RealClock;
    return clock;
  }
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 0) : now_ms_(now_ms) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  void SetMs(int64_t now_ms) { now_ms_.store(now_ms); }
  void AdvanceMs(int64_t delta_ms) { now_ms_.fetch_add(delta_ms); }

 private:
  std::atomic<int64_t> now_ms_;
};

}  // namespace strata

#endif  // STRATA_UTIL_CLOCK_H_
