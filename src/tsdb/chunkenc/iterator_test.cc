#include "tsdb/chunkenc/iterator.h"

#include <string>

#include "gtest/gtest.h"
#include "tsdb/chunkenc/encoding.h"
#include "tsdb/chunkenc/test_util.h"

namespace strata::tsdb::chunkenc {
namespace {

using testutil::Encode;
using testutil::Samples;

TEST(EncodingTest, OOOBitAndValidity) {
  EXPECT_FALSE(IsOOO(Encoding::kXOR));
  EXPECT_TRUE(IsOOO(Encoding::kOOOXOR));
  EXPECT_EQ(WithoutOOO(Encoding::kOOOXOR), Encoding::kXOR);
  EXPECT_EQ(WithoutOOO(Encoding::kXOR), Encoding::kXOR);
  EXPECT_EQ(WithOOO(Encoding::kXOR), Encoding::kOOOXOR);
  EXPECT_EQ(static_cast<uint8_t>(Encoding::kOOOXOR), 0x81);
  for (int b = 0; b < 256; b++) {
    EXPECT_EQ(IsValidEncoding(static_cast<uint8_t>(b)), b == 1 || b == 2 || b == 3 || b == 0x81)
        << b;
  }
  EXPECT_EQ(EncodingName(Encoding::kXOR), "XOR");
  EXPECT_EQ(EncodingName(static_cast<Encoding>(9)), "<unknown>");
}

TEST(NewIteratorTest, XorAndOOOXorDecode) {
  const std::string bytes = Encode({{10, 1.5}, {20, 2.5}, {30, 2.5}});
  for (Encoding e : {Encoding::kXOR, Encoding::kOOOXOR}) {
    auto it = NewIterator(e, bytes);
    ASSERT_TRUE(it.ok()) << it.status();
    ASSERT_TRUE((*it)->Seek(15));
    EXPECT_EQ((*it)->t(), 20);
    EXPECT_EQ((*it)->v(), 2.5);
    ASSERT_TRUE((*it)->Next());
    EXPECT_EQ((*it)->At(), (std::pair<int64_t, double>{30, 2.5}));
    EXPECT_FALSE((*it)->Next());
    EXPECT_TRUE((*it)->status().ok());
  }
}

TEST(NewIteratorTest, CorruptBytesReportThroughStatus) {
  auto it = NewIterator(Encoding::kXOR, std::string_view("\x00\x05\x01", 3));
  ASSERT_TRUE(it.ok());
  EXPECT_FALSE((*it)->Next());
  EXPECT_EQ((*it)->status().code(), absl::StatusCode::kDataLoss);
}

TEST(NewIteratorTest, UnsupportedEncodings) {
  EXPECT_EQ(NewIterator(Encoding::kHistogram, "").status().code(),
            absl::StatusCode::kUnimplemented);
  EXPECT_EQ(NewIterator(Encoding::kFloatHistogram, "").status().code(),
            absl::StatusCode::kUnimplemented);
  for (uint8_t b : {0, 4, 0x80, 0x82, 0xff}) {
    auto it = NewIterator(static_cast<Encoding>(b), "");
    EXPECT_EQ(it.status().code(), absl::StatusCode::kInvalidArgument) << int{b};
  }
}

TEST(NewIteratorTest, EmptyIterator) {
  auto it = NewEmptyIterator();
  EXPECT_FALSE(it->Next());
  EXPECT_FALSE(it->Seek(0));
  EXPECT_TRUE(it->status().ok());
}

}  // namespace
}  // namespace strata::tsdb::chunkenc
