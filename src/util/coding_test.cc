#include "util/coding.h"

#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace strata {
namespace {

std::string Hex(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

// Examples from prometheus-tsdb-formats.md §0.1.
TEST(CodingTest, VarintsMatchTheSpecExamples) {
  std::string b;
  PutUvarint(&b, 300);
  EXPECT_EQ(Hex(b), "ac 02");
  b.clear();
  PutVarint(&b, -1);
  EXPECT_EQ(Hex(b), "01");
  b.clear();
  PutVarint(&b, 1);
  EXPECT_EQ(Hex(b), "02");
  b.clear();
  PutVarint(&b, 1700000000000);
  EXPECT_EQ(Hex(b), "80 a0 ab fe f9 62");
}

TEST(CodingTest, BigEndianRoundTrip) {
  std::string b;
  PutBE16(&b, 0x0102);
  PutBE32(&b, 0xBAAAD700);
  PutBE64(&b, 0x0102030405060708ULL);
  EXPECT_EQ(Hex(b), "01 02 ba aa d7 00 01 02 03 04 05 06 07 08");
  Decbuf d(std::string_view(b).substr(2));
  EXPECT_EQ(d.Be32(), 0xBAAAD700u);
  EXPECT_EQ(d.Be64(), 0x0102030405060708ULL);
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.remaining(), 0u);
}

TEST(CodingTest, VarintRoundTripExtremes) {
  const int64_t cases[] = {0, 1, -1, 63, -64, 64, std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()};
  std::string b;
  for (int64_t v : cases) PutVarint(&b, v);
  PutUvarint(&b, std::numeric_limits<uint64_t>::max());
  Decbuf d(b);
  for (int64_t v : cases) EXPECT_EQ(d.Varint(), v);
  EXPECT_EQ(d.Uvarint(), std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(d.ok()) << d.status();
}

TEST(CodingTest, TruncatedInputIsStickyDataLossWithOffset) {
  std::string b;
  PutBE32(&b, 7);
  PutUvarintStr(&b, "hello");
  b.resize(b.size() - 2);  // cut into the string
  Decbuf d(b);
  EXPECT_EQ(d.Be32(), 7u);
  EXPECT_EQ(d.UvarintStr(), "");
  EXPECT_FALSE(d.ok());
  EXPECT_EQ(d.Be32(), 0u);  // sticky
  EXPECT_TRUE(absl::IsDataLoss(d.status()));
  EXPECT_NE(d.status().message().find("offset 5"), std::string::npos) << d.status();
}

TEST(CodingTest, OverlongVarintIsAnError) {
  std::string b(11, '\xff');
  Decbuf d(b);
  d.Uvarint();
  EXPECT_FALSE(d.ok());
  uint64_t v;
  std::string ten(9, '\xff');
  ten.push_back('\x02');  // bit 64 set: overflow
  EXPECT_EQ(DecodeUvarint(ten.data(), ten.data() + ten.size(), &v), 0);
}

TEST(CodingTest, Uvarint32RejectsLargeValues) {
  std::string b;
  PutUvarint(&b, uint64_t{1} << 33);
  Decbuf d(b);
  d.Uvarint32();
  EXPECT_FALSE(d.ok());
}

}  // namespace
}  // namespace strata
