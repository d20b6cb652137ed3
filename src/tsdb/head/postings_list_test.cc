#include "tsdb/head/postings_list.h"

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::tsdb::head {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<uint64_t> Refs(const PostingsList& l) {
  std::vector<uint64_t> out;
  l.AppendTo(&out);
  return out;
}

TEST(PostingsListTest, OneRefNeedsNoHeap) {
  PostingsList l;
  EXPECT_TRUE(l.empty());
  EXPECT_THAT(Refs(l), IsEmpty());
  l.Insert(42);
  EXPECT_THAT(Refs(l), ElementsAre(42));
  EXPECT_EQ(l.heap_bytes(), 0u);
  l.Insert(42);
  EXPECT_THAT(Refs(l), ElementsAre(42));
}

TEST(PostingsListTest, AppendsAndInsertsInOrder) {
  PostingsList l;
  for (uint64_t r : {10, 5, 20, 1, 15, 20, 5, 0, 300, 299, 100000, 99999}) l.Insert(r);
  EXPECT_THAT(Refs(l), ElementsAre(0, 1, 5, 10, 15, 20, 299, 300, 99999, 100000));
}

TEST(PostingsListTest, DenseRefsCostAboutAByteEach) {
  PostingsList l;
  for (uint64_t r = 1; r <= 10000; r++) l.Insert(r);
  EXPECT_LT(l.heap_bytes(), 10000u * 3 / 2 + 64);
  std::vector<uint64_t> want(10000);
  for (uint64_t r = 1; r <= 10000; r++) want[r - 1] = r;
  EXPECT_EQ(Refs(l), want);
}

TEST(PostingsListTest, HugeRefs) {
  const uint64_t big = ~uint64_t{0};
  PostingsList l;
  l.Insert(big);  // too large for the one-word form
  EXPECT_THAT(Refs(l), ElementsAre(big));
  l.Insert(uint64_t{1} << 63);
  l.Insert(3);
  EXPECT_THAT(Refs(l), ElementsAre(3, uint64_t{1} << 63, big));
  absl::flat_hash_set<uint64_t> gone = {3, big};
  l.RemoveAll(gone);
  EXPECT_THAT(Refs(l), ElementsAre(uint64_t{1} << 63));
}

TEST(PostingsListTest, RemoveAll) {
  PostingsList l;
  for (uint64_t r = 1; r <= 100; r++) l.Insert(r * 7);
  absl::flat_hash_set<uint64_t> gone;
  for (uint64_t r = 1; r <= 100; r++) {
    if (r % 3 != 0) gone.insert(r * 7);
  }
  gone.insert(5);  // not in the list
  l.RemoveAll(gone);
  std::vector<uint64_t> want;
  for (uint64_t r = 3; r <= 100; r += 3) want.push_back(r * 7);
  EXPECT_EQ(Refs(l), want);

  for (uint64_t r : want) gone.insert(r);
  l.RemoveAll(gone);
  EXPECT_TRUE(l.empty());
  EXPECT_EQ(l.heap_bytes(), 0u);
}

TEST(PostingsListTest, MoveLeavesSourceEmpty) {
  PostingsList a;
  a.Insert(1);
  a.Insert(2);
  PostingsList b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_THAT(Refs(b), ElementsAre(1, 2));
  PostingsList c;
  c.Insert(9);
  c = std::move(b);
  EXPECT_THAT(Refs(c), ElementsAre(1, 2));
}

// Random inserts (mostly increasing, some late, some repeated, deltas of all varint lengths)
// and removals, against std::set.
TEST(PostingsListTest, MatchesASortedSet) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; round++) {
    PostingsList l;
    std::set<uint64_t> want;
    uint64_t next = rng() % 1000;
    for (int i = 0; i < 2000; i++) {
      uint64_t ref;
      switch (rng() % 8) {
        case 0:  // late: somewhere before the end
          ref = want.empty() ? next : rng() % (next + 1);
          break;
        case 1:  // a large jump
          next += uint64_t{1} << (rng() % 50);
          ref = next;
          break;
        default:
          next += 1 + rng() % 3;
          ref = next;
      }
      l.Insert(ref);
      want.insert(ref);
      if (rng() % 500 == 0) {
        absl::flat_hash_set<uint64_t> gone;
        for (uint64_t r : want) {
          if (rng() % 2) gone.insert(r);
        }
        for (uint64_t r : gone) want.erase(r);
        l.RemoveAll(gone);
      }
    }
    ASSERT_THAT(Refs(l), ElementsAreArray(want.begin(), want.end())) << "round " << round;
  }
}

}  // namespace
}  // namespace strata::tsdb::head
