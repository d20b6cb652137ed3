#include "tsdb/index/postings.h"

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "util/coding.h"

namespace strata::tsdb::index {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Refs = std::vector<uint64_t>;

std::unique_ptr<Postings> List(Refs r) { return NewListPostings(std::move(r)); }

Refs Expand(std::unique_ptr<Postings> p) {
  auto r = ExpandPostings(*p);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : Refs{};
}

template <typename... P>
std::vector<std::unique_ptr<Postings>> Vec(P... p) {
  std::vector<std::unique_ptr<Postings>> v;
  (v.push_back(std::move(p)), ...);
  return v;
}

std::string BigEndian(const Refs& refs) {
  std::string s;
  for (uint64_t r : refs) PutBE32(&s, static_cast<uint32_t>(r));
  return s;
}

TEST(PostingsTest, ListNextAndAt) {
  EXPECT_THAT(Expand(List({1, 5, 9})), ElementsAre(1, 5, 9));
  EXPECT_THAT(Expand(List({})), IsEmpty());
  EXPECT_THAT(Expand(EmptyPostings()), IsEmpty());
  auto p = List({3});
  EXPECT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 3u);
  EXPECT_FALSE(p->Next());
  EXPECT_FALSE(p->Next());
  EXPECT_FALSE(p->Seek(0));  // exhausted stays exhausted
}

// The same seek script against both array-backed implementations.
void CheckSeekBehaviour(std::unique_ptr<Postings> p) {
  // Before the first Next, Seek positions at the first value >= v.
  ASSERT_TRUE(p->Seek(4));
  EXPECT_EQ(p->At(), 5u);
  // Seeking backwards or to the current value stays.
  ASSERT_TRUE(p->Seek(2));
  EXPECT_EQ(p->At(), 5u);
  ASSERT_TRUE(p->Seek(5));
  EXPECT_EQ(p->At(), 5u);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 7u);
  ASSERT_TRUE(p->Seek(100));
  EXPECT_EQ(p->At(), 100u);
  ASSERT_TRUE(p->Seek(101));
  EXPECT_EQ(p->At(), 1000u);
  EXPECT_FALSE(p->Seek(1001));
  EXPECT_FALSE(p->Seek(0));
  EXPECT_FALSE(p->Next());
  EXPECT_TRUE(p->status().ok());
}

TEST(PostingsTest, ListSeek) { CheckSeekBehaviour(List({1, 5, 7, 20, 100, 1000})); }

TEST(PostingsTest, BigEndianSeek) {
  const std::string be = BigEndian({1, 5, 7, 20, 100, 1000});
  CheckSeekBehaviour(NewBigEndianPostings(be));
}

TEST(PostingsTest, BigEndianDecodesFullRange) {
  const std::string be = BigEndian({0, 7, 0x01020304, 0xffffffff});
  EXPECT_THAT(Expand(NewBigEndianPostings(be)), ElementsAre(0, 7, 0x01020304, 0xffffffff));
  EXPECT_THAT(Expand(NewBigEndianPostings("")), IsEmpty());
}

TEST(PostingsTest, SeekPastEndBeforeStart) {
  auto p = List({1, 2});
  EXPECT_FALSE(p->Seek(3));
  EXPECT_FALSE(p->Next());
}

TEST(PostingsTest, SeekAgreesWithLinearScanOnRandomLists) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 50; round++) {
    Refs refs;
    std::set<uint64_t> s;
    const int n = static_cast<int>(rng() % 300);
    while (static_cast<int>(s.size()) < n) s.insert(rng() % 2000);
    refs.assign(s.begin(), s.end());
    const std::string be = BigEndian(refs);
    auto a = List(refs);
    auto b = NewBigEndianPostings(be);
    size_t pos = 0;  // index of the expected current value
    uint64_t target = 0;
    while (true) {
      target += rng() % 40;
      while (pos < refs.size() && refs[pos] < target) pos++;
      const bool want = pos < refs.size();
      ASSERT_EQ(a->Seek(target), want);
      ASSERT_EQ(b->Seek(target), want);
      if (!want) break;
      ASSERT_EQ(a->At(), refs[pos]);
      ASSERT_EQ(b->At(), refs[pos]);
    }
  }
}

TEST(PostingsTest, Intersect) {
  EXPECT_THAT(Expand(Intersect({})), IsEmpty());
  EXPECT_THAT(Expand(Intersect(Vec(List({1, 2, 3})))), ElementsAre(1, 2, 3));
  EXPECT_THAT(Expand(Intersect(Vec(List({1, 2, 3, 4, 5}), List({2, 4, 6})))), ElementsAre(2, 4));
  EXPECT_THAT(Expand(Intersect(Vec(List({1, 2, 3}), List({})))), IsEmpty());
  EXPECT_THAT(Expand(Intersect(Vec(List({}), List({1})))), IsEmpty());
  EXPECT_THAT(Expand(Intersect(Vec(List({1, 3, 5, 7, 9, 11}), List({3, 4, 5, 9, 11, 12}),
                                   List({0, 5, 9, 10, 11})))),
              ElementsAre(5, 9, 11));
  EXPECT_THAT(Expand(Intersect(Vec(List({1, 2}), List({3, 4})))), IsEmpty());
}

TEST(PostingsTest, IntersectSeek) {
  auto p = Intersect(Vec(List({1, 3, 5, 7, 9, 11, 13}), List({1, 2, 3, 7, 8, 9, 13})));
  ASSERT_TRUE(p->Seek(4));
  EXPECT_EQ(p->At(), 7u);
  ASSERT_TRUE(p->Seek(7));  // stays
  EXPECT_EQ(p->At(), 7u);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 9u);
  ASSERT_TRUE(p->Seek(10));
  EXPECT_EQ(p->At(), 13u);
  EXPECT_FALSE(p->Seek(14));
  EXPECT_FALSE(p->Next());
}

TEST(PostingsTest, Merge) {
  EXPECT_THAT(Expand(Merge({})), IsEmpty());
  EXPECT_THAT(Expand(Merge(Vec(List({})))), IsEmpty());
  EXPECT_THAT(Expand(Merge(Vec(List({}), List({})))), IsEmpty());
  EXPECT_THAT(Expand(Merge(Vec(List({1, 4}), List({})))), ElementsAre(1, 4));
  EXPECT_THAT(Expand(Merge(Vec(List({1, 4, 9}), List({2, 4, 8, 9, 10}), List({0, 4, 11})))),
              ElementsAre(0, 1, 2, 4, 8, 9, 10, 11));
}

TEST(PostingsTest, MergeSeek) {
  auto p = Merge(Vec(List({1, 4, 9, 20}), List({2, 4, 8, 9, 10})));
  ASSERT_TRUE(p->Seek(3));
  EXPECT_EQ(p->At(), 4u);
  ASSERT_TRUE(p->Seek(4));
  EXPECT_EQ(p->At(), 4u);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 8u);
  ASSERT_TRUE(p->Seek(10));
  EXPECT_EQ(p->At(), 10u);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 20u);
  EXPECT_FALSE(p->Next());
  EXPECT_FALSE(p->Seek(0));
}

TEST(PostingsTest, Without) {
  EXPECT_THAT(Expand(Without(List({1, 2, 3, 4, 5}), List({2, 4, 6}))), ElementsAre(1, 3, 5));
  EXPECT_THAT(Expand(Without(List({1, 2, 3}), List({}))), ElementsAre(1, 2, 3));
  EXPECT_THAT(Expand(Without(List({}), List({1, 2}))), IsEmpty());
  EXPECT_THAT(Expand(Without(List({1, 2}), List({1, 2}))), IsEmpty());
  EXPECT_THAT(Expand(Without(List({5, 6}), List({1, 2}))), ElementsAre(5, 6));

  auto p = Without(List({1, 2, 3, 4, 5, 6}), List({3, 4}));
  ASSERT_TRUE(p->Seek(3));  // 3 and 4 are dropped
  EXPECT_EQ(p->At(), 5u);
  ASSERT_TRUE(p->Seek(2));
  EXPECT_EQ(p->At(), 5u);
  ASSERT_TRUE(p->Next());
  EXPECT_EQ(p->At(), 6u);
  EXPECT_FALSE(p->Seek(7));
}

TEST(PostingsTest, CombinatorsAgreeWithSetsOnRandomInput) {
  std::mt19937_64 rng(11);
  auto random_set = [&](int max_n, uint64_t range) {
    std::set<uint64_t> s;
    int n = static_cast<int>(rng() % max_n);
    for (int i = 0; i < n; i++) s.insert(rng() % range);
    return s;
  };
  for (int round = 0; round < 200; round++) {
    auto a = random_set(200, 500), b = random_set(200, 500), c = random_set(50, 500);
    Refs va(a.begin(), a.end()), vb(b.begin(), b.end()), vc(c.begin(), c.end());
    Refs want_and, want_or, want_ab, tmp;
    std::set_intersection(va.begin(), va.end(), vb.begin(), vb.end(), std::back_inserter(tmp));
    std::set_intersection(tmp.begin(), tmp.end(), vc.begin(), vc.end(),
                          std::back_inserter(want_and));
    tmp.clear();
    std::set_union(va.begin(), va.end(), vb.begin(), vb.end(), std::back_inserter(tmp));
    std::set_union(tmp.begin(), tmp.end(), vc.begin(), vc.end(), std::back_inserter(want_or));
    std::set_difference(va.begin(), va.end(), vb.begin(), vb.end(), std::back_inserter(want_ab));
    ASSERT_EQ(Expand(Intersect(Vec(List(va), NewBigEndianPostings(BigEndian(vb)), List(vc)))),
              want_and);
    ASSERT_EQ(Expand(Merge(Vec(List(va), List(vb), List(vc)))), want_or);
    ASSERT_EQ(Expand(Without(List(va), List(vb))), want_ab);
  }
}

TEST(PostingsTest, ErrorsPropagate) {
  const absl::Status err = absl::DataLossError("broken list");
  auto e = ErrPostings(err);
  EXPECT_FALSE(e->Next());
  EXPECT_EQ(e->status(), err);

  auto i = Intersect(Vec(List({1, 2}), ErrPostings(err)));
  EXPECT_EQ(ExpandPostings(*i).status(), err);
  auto m = Merge(Vec(List({1, 2}), ErrPostings(err)));
  EXPECT_EQ(ExpandPostings(*m).status(), err);
  auto w1 = Without(ErrPostings(err), List({1}));
  EXPECT_EQ(ExpandPostings(*w1).status(), err);
  auto w2 = Without(List({1, 2}), ErrPostings(err));
  EXPECT_EQ(ExpandPostings(*w2).status(), err);
}

}  // namespace
}  // namespace strata::tsdb::index
