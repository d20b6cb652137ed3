// Validation must not allocate on the happy path (docs/STYLE.md: hot loops allocate nothing).
// This file replaces the global operator new to count allocations made while a flag is set.
#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>

#include "distributor/validate.h"
#include "gtest/gtest.h"
#include "prompb/decode.h"
#include "prompb/encode.h"

namespace {
thread_local bool g_counting = false;
thread_local size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting) ++g_allocations;
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace strata::distributor {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

class CountAllocations {
 public:
  CountAllocations() {
    g_allocations = 0;
    g_counting = true;
  }
  ~CountAllocations() { g_counting = false; }
  size_t count() const { return g_allocations; }
};

// 200 series × 8 labels × 50 samples, with exemplars; every `unsorted_every`-th series has its
// labels reversed, every `bad_every`-th (if > 0) a sample too far in the future.
prompb::WriteRequest BigRequest(int unsorted_every, int bad_every) {
  prompb::WriteRequest req;
  for (int s = 0; s < 200; ++s) {
    prompb::TimeSeries ts;
    ts.labels.push_back({"__name__", "http_requests_total"});
    for (int l = 0; l < 7; ++l) {
      ts.labels.push_back({"label_" + std::to_string(l), "value_" + std::to_string(s * 7 + l)});
    }
    if (unsorted_every > 0 && s % unsorted_every == 0) {
      std::reverse(ts.labels.begin(), ts.labels.end());
    }
    for (int i = 0; i < 50; ++i) ts.samples.push_back({1.0 * i, kNow - 50'000 + i * 1000});
    if (bad_every > 0 && s % bad_every == 0) ts.samples.back().timestamp_ms = kNow + 3'600'000;
    ts.exemplars.push_back({{{"trace_id", "abcdef"}}, 1.0, kNow});
    req.timeseries.push_back(std::move(ts));
  }
  req.metadata.push_back({prompb::MetricType::kCounter, "http_requests_total", "Requests.", ""});
  return req;
}

size_t AllocationsOfSecondRun(const prompb::WriteRequest& req, std::string* first_error) {
  std::string body;
  prompb::EncodeWriteRequest(req, &body);
  prompb::WriteRequestView view;
  EXPECT_TRUE(prompb::DecodeWriteRequest(body, &view).ok());
  const limits::Limits limits;
  ValidatedRequest out;
  EXPECT_TRUE(ValidateWriteRequest(view, limits, kNow, {}, &out).ok());  // grows the vectors
  size_t n;
  {
    CountAllocations counter;
    EXPECT_TRUE(ValidateWriteRequest(view, limits, kNow, {}, &out).ok());
    n = counter.count();
  }
  *first_error = out.first_error;
  return n;
}

TEST(ValidateAllocationTest, HappyPathAllocatesNothing) {
  std::string error;
  EXPECT_EQ(AllocationsOfSecondRun(BigRequest(0, 0), &error), 0u);
  EXPECT_EQ(error, "");
}

TEST(ValidateAllocationTest, SortingSmallLabelSetsAllocatesNothing) {
  std::string error;
  EXPECT_EQ(AllocationsOfSecondRun(BigRequest(3, 0), &error), 0u);
  EXPECT_EQ(error, "");
}

TEST(ValidateAllocationTest, OnlyTheFirstErrorAllocates) {
  // 50 bad series; only the first one's message is built. Building it allocates a few times
  // (the formatted label set, the quoted strings, the message); the other 49 cost nothing.
  std::string error;
  const size_t n = AllocationsOfSecondRun(BigRequest(0, 4), &error);
  EXPECT_EQ(error, "timestamp too new: 1700003600000 metric: \"http_requests_total\"");
  EXPECT_GT(n, 0u);
  EXPECT_LE(n, 6u);
}

}  // namespace
}  // namespace strata::distributor
