#include "util/compact_string.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_map.h"
#include "gtest/gtest.h"

namespace strata {
namespace {

TEST(CompactStringTest, KeepsInlineAndHeapStrings) {
  for (size_t n : {0, 1, 14, 15, 16, 17, 100, 5000}) {
    std::string s(n, 'x');
    for (size_t i = 0; i < n; i++) s[i] = static_cast<char>('a' + i % 26);
    CompactString c(s);
    EXPECT_EQ(c.view(), s) << n;
    EXPECT_EQ(c.heap_bytes(), n > CompactString::kMaxInline ? n : 0) << n;
  }
}

TEST(CompactStringTest, MovesLeaveTheSourceEmpty) {
  const std::string long_one(40, 'L');
  CompactString a(long_one), b("short");
  CompactString c(std::move(a));
  EXPECT_EQ(c.view(), long_one);
  EXPECT_EQ(a.view(), "");  // NOLINT(bugprone-use-after-move): moved-from state is specified
  b = std::move(c);
  EXPECT_EQ(b.view(), long_one);
  EXPECT_EQ(c.view(), "");  // NOLINT(bugprone-use-after-move)
  b = CompactString("x");
  EXPECT_EQ(b.view(), "x");
}

TEST(CompactStringTest, IsAMapKeyFoundByStringView) {
  absl::btree_map<CompactString, int, CompactStringLess> m;
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; i++) keys.push_back(std::string(static_cast<size_t>(i % 40), 'k') +
                                                std::to_string(i));
  for (int i = 0; i < 1000; i++) m.emplace(CompactString(keys[i]), i);  // node splits move keys
  ASSERT_EQ(m.size(), 1000u);
  for (int i = 0; i < 1000; i++) {
    auto it = m.find(std::string_view(keys[i]));
    ASSERT_NE(it, m.end());
    EXPECT_EQ(it->second, i);
    EXPECT_EQ(it->first.view(), keys[i]);
  }
  EXPECT_EQ(m.find(std::string_view("absent")), m.end());
}

}  // namespace
}  // namespace strata
