#include "util/crc32c.h"

#include <string>

#include "gtest/gtest.h"

namespace strata::crc32c {
namespace {

TEST(Crc32cTest, StandardCheckValues) {
  EXPECT_EQ(Value("123456789"), 0xE3069283u);
  EXPECT_EQ(Value(""), 0u);
  // RFC 3720 B.4: 32 bytes of zeros and of 0xff.
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Value(std::string(32, '\xff')), 0x62A8AB43u);
}

TEST(Crc32cTest, ExtendEqualsWholeValueAtEverySplit) {
  std::string data;
  for (int i = 0; i < 1000; i++) data.push_back(static_cast<char>(i * 31 + 7));
  const uint32_t whole = Value(data);
  for (size_t split = 0; split <= data.size(); split += 37) {
    uint32_t c = Value(data.data(), split);
    EXPECT_EQ(Extend(c, data.data() + split, data.size() - split), whole) << split;
  }
}

// The reference block's first chunk record (prometheus-tsdb-formats.md §2.2): the CRC covers the
// encoding byte and the data.
TEST(Crc32cTest, ReferenceChunkRecord) {
  const unsigned char rec[] = {0x01, 0x00, 0x03, 0x80, 0xa0, 0xab, 0xfe, 0xf9, 0x62,
                               0x40, 0x8f, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x98,
                               0x75, 0xd6, 0x5f, 0xf9, 0x72, 0x16, 0xa0};
  EXPECT_EQ(Value(reinterpret_cast<const char*>(rec), sizeof rec), 0xe3a2ffefu);
}

}  // namespace
}  // namespace strata::crc32c
