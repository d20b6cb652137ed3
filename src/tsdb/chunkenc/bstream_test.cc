#include "tsdb/chunkenc/bstream.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tsdb/chunkenc/test_util.h"

namespace strata::tsdb::chunkenc {
namespace {

using testutil::Hex;
using testutil::SpecWriter;

TEST(BitWriterTest, AlignedWholeByteWriteLeavesUnusedByte) {
  std::string buf;
  BitWriter w(&buf, 0, false);
  auto stream = [&] { return std::string_view(buf).substr(0, w.size_bytes()); };
  w.WriteByte(0xAB);
  EXPECT_EQ(Hex(stream()), "ab 00");
  EXPECT_TRUE(w.extra_byte());
  w.WriteBit(true);  // goes into the unused byte
  EXPECT_EQ(Hex(stream()), "ab 80");
  EXPECT_FALSE(w.extra_byte());
  w.WriteBits(0x7F, 7);  // completes the byte without a whole-byte write: no extra byte
  EXPECT_EQ(Hex(stream()), "ab ff");
  w.WriteBits(0x1234, 16);
  EXPECT_EQ(Hex(stream()), "ab ff 12 34 00");
  w.WriteBits(0x5, 3);
  EXPECT_EQ(Hex(stream()), "ab ff 12 34 a0");
  w.WriteBits(0xFF, 8);  // unaligned: no extra byte
  EXPECT_EQ(Hex(stream()), "ab ff 12 34 bf e0");
  EXPECT_EQ(w.bit_pos(), 43u);
}

TEST(BitWriterTest, MatchesSpecWriterOnRandomWrites) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; round++) {
    std::string buf;
    BitWriter w(&buf, 0, false);
    SpecWriter ref;
    for (int i = 0; i < 50; i++) {
      const int n = 1 + static_cast<int>(rng() % 64);
      const uint64_t v = rng();
      if (n == 1) {
        w.WriteBit(v & 1);
        ref.WriteBit(v & 1);
      } else {
        w.WriteBits(v, n);
        ref.WriteBits(n == 64 ? v : v & ((uint64_t{1} << n) - 1), n);
      }
      ASSERT_EQ(Hex(std::string_view(buf).substr(0, w.size_bytes())), Hex(ref.bytes))
          << "round " << round << " write " << i;
    }
  }
}

TEST(BitReaderTest, ReadsFieldsOfEveryWidth) {
  std::mt19937_64 rng(7);
  std::vector<std::pair<int, uint64_t>> fields;
  std::string buf;
  BitWriter w(&buf, 0, false);
  for (int i = 0; i < 2000; i++) {
    const int n = 1 + static_cast<int>(rng() % 64);
    const uint64_t v = n == 64 ? rng() : rng() & ((uint64_t{1} << n) - 1);
    fields.emplace_back(n, v);
    w.WriteBits(v, n);
  }
  BitReader r(std::string_view(buf).substr(0, w.size_bytes()));
  uint64_t total = 0;
  for (const auto& [n, v] : fields) {
    uint64_t got;
    ASSERT_TRUE(r.ReadBits(n, &got));
    ASSERT_EQ(got, v) << "width " << n;
    total += n;
    ASSERT_EQ(r.bits_read(), total);
  }
}

TEST(BitReaderTest, FailsAtEndWithoutOverreading) {
  const std::string data = "\xA5\x0F\xFF";
  for (int n = 1; n <= 64; n++) {
    BitReader r(data);
    uint64_t v;
    EXPECT_EQ(r.ReadBits(n, &v), n <= 24) << n;
  }
  BitReader r(data);
  uint64_t v;
  ASSERT_TRUE(r.ReadBits(20, &v));
  EXPECT_EQ(v, 0xA50FFu);
  bool bit;
  for (int i = 0; i < 4; i++) ASSERT_TRUE(r.ReadBit(&bit));
  EXPECT_FALSE(r.ReadBit(&bit));
  EXPECT_EQ(r.bits_left(), 0u);

  BitReader empty{std::string_view()};
  EXPECT_FALSE(empty.ReadBit(&bit));
  EXPECT_FALSE(empty.ReadBits(1, &v));
}

}  // namespace
}  // namespace strata::tsdb::chunkenc
