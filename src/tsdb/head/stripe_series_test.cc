#include "tsdb/head/stripe_series.h"

#include <string>

#include "gtest/gtest.h"

namespace strata::tsdb::head {
namespace {

labels::Labels Nth(int i) {
  const std::string v = std::to_string(i);
  return labels::Labels{{"__name__", "m"}, {"i", v}};
}

// Regression: Gc held a series' hash stripe while it took the series' ref stripe, so removing
// many series locked stripes i→j and j→i. absl's deadlock detector (on in this build of absl)
// saw the cycle and aborted the process the first time a truncation emptied a large head.
TEST(StripeSeriesTest, GcOfManySeriesNeverHoldsTwoStripes) {
  StripeSeries ss(8);
  constexpr int kN = 2000;
  for (int i = 1; i <= kN; i++) {
    labels::Labels l = Nth(i);
    const uint64_t h = l.Hash();
    auto [s, inserted] = ss.GetOrSet(h, MemSeries::New(i, l.data()));
    ASSERT_TRUE(inserted);
  }
  ASSERT_EQ(ss.size(), size_t(kN));
  std::vector<std::unique_ptr<MemSeries>> removed =
      ss.Gc([](MemSeries& m) { return m.ref() % 2 == 0; });
  EXPECT_EQ(removed.size(), size_t(kN / 2));
  EXPECT_EQ(ss.size(), size_t(kN / 2));
  for (int i = 1; i <= kN; i++) {
    const labels::Labels l = Nth(i);
    const bool kept = i % 2 == 1;
    EXPECT_EQ(ss.GetByRef(i) != nullptr, kept) << i;
    EXPECT_EQ(ss.GetByHash(l.Hash(), l.data()) != nullptr, kept) << i;
  }
  for (const auto& m : removed) EXPECT_EQ(m->ref() % 2, 0u);
  // The rest goes too, and the maps give their memory back.
  const size_t full = ss.MemoryBytes();
  removed = ss.Gc([](MemSeries&) { return true; });
  EXPECT_EQ(removed.size(), size_t(kN / 2));
  EXPECT_EQ(ss.size(), 0u);
  EXPECT_LT(ss.MemoryBytes(), full);
  EXPECT_EQ(ss.MemoryBytes(), StripeSeries(8).MemoryBytes());
}

}  // namespace
}  // namespace strata::tsdb::head
