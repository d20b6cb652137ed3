#include "tsdb/ooo/ooo_chunk.h"

#include <vector>

#include "gtest/gtest.h"

namespace strata::tsdb::ooo {
namespace {

std::vector<int64_t> Times(const OOOChunk& c) {
  std::vector<int64_t> out;
  for (const OOOSample& s : c.samples()) out.push_back(s.t);
  return out;
}

// Cases in the shape of Prometheus's TestOOOInsert: where the new sample lands.
TEST(OOOChunkTest, InsertKeepsOrderAndDropsDuplicateTimestamps) {
  struct Case {
    const char* name;
    std::vector<int64_t> before;
    int64_t insert;
    bool inserted;
    std::vector<int64_t> after;
  };
  const Case cases[] = {
      {"into empty", {}, 5, true, {5}},
      {"at the end", {1, 3}, 5, true, {1, 3, 5}},
      {"at the start", {3, 5}, 1, true, {1, 3, 5}},
      {"in the middle", {1, 5}, 3, true, {1, 3, 5}},
      {"duplicate first", {1, 5}, 1, false, {1, 5}},
      {"duplicate last", {1, 5}, 5, false, {1, 5}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    OOOChunk chunk;
    for (int64_t t : c.before) ASSERT_TRUE(chunk.Insert(t, static_cast<double>(t)));
    EXPECT_EQ(chunk.Insert(c.insert, 100), c.inserted);
    EXPECT_EQ(Times(chunk), c.after);
  }
}

TEST(OOOChunkTest, DuplicateKeepsTheFirstValue) {
  OOOChunk chunk;
  chunk.Insert(10, 1.0);
  chunk.Insert(10, 2.0);
  ASSERT_EQ(chunk.num_samples(), 1u);
  EXPECT_EQ(chunk.samples()[0].v, 1.0);
}

TEST(OOOChunkTest, ToXorEncodesInTimeOrder) {
  OOOChunk chunk;
  for (int64_t t : {50, 10, 30, 20, 40}) chunk.Insert(t, static_cast<double>(t) / 10);
  chunkenc::XorChunk x = chunk.ToXor();
  EXPECT_EQ(x.num_samples(), 5);
  auto it = x.Iterator();
  std::vector<std::pair<int64_t, double>> got;
  while (it.Next()) got.push_back(it.At());
  ASSERT_TRUE(it.status().ok());
  EXPECT_EQ(got, (std::vector<std::pair<int64_t, double>>{{10, 1}, {20, 2}, {30, 3}, {40, 4}, {50, 5}}));
  EXPECT_EQ(chunk.min_time(), 10);
  EXPECT_EQ(chunk.max_time(), 50);
}

}  // namespace
}  // namespace strata::tsdb::ooo
