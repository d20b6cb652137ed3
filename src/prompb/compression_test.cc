#include "prompb/compression.h"

#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prompb/test_util.h"

namespace strata::prompb {
namespace {

using testing::AllocationCounter;
using ::testing::HasSubstr;

constexpr size_t kLimit = 100 << 20;  // 100 MiB

std::string RandomBytes(std::mt19937_64& rng, size_t n, int alphabet) {
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>('a' + rng() % alphabet);
  return s;
}

TEST(CompressionTest, RoundTrip) {
  std::mt19937_64 rng(21);
  std::string compressed, out;
  for (size_t n : {0, 1, 100, 65536, 1 << 20}) {
    const std::string in = RandomBytes(rng, n, 4);
    CompressSnappy(in, &compressed);
    ASSERT_TRUE(DecompressSnappy(compressed, kLimit, &out).ok());
    EXPECT_EQ(out, in);
  }
}

// A 4 GiB claim in a few bytes must be refused before anything that size is allocated.
TEST(CompressionTest, SnappyBombIsRefusedBeforeAllocating) {
  const std::string bomb = std::string("\xff\xff\xff\xff\x0f", 5) + std::string(64, '\0');
  std::string out;
  AllocationCounter allocs;
  absl::Status st = DecompressSnappy(bomb, kLimit, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(),
            "snappy: decompressed size 4294967295 exceeds the limit of 104857600 bytes");
  EXPECT_LT(allocs.largest_bytes(), 1024u);  // the error message only
  EXPECT_LT(out.capacity(), 1024u);
}

// Within the limit, but more than any snappy block of that size can expand to.
TEST(CompressionTest, ImpossibleRatioIsRefusedBeforeAllocating) {
  const std::string lie = std::string("\x80\x80\x80\x19", 4) + std::string(10, '\0');  // 50 MiB
  std::string out;
  AllocationCounter allocs;
  absl::Status st = DecompressSnappy(lie, kLimit, &out);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "snappy: declared size 52428800 is impossible for 14 compressed bytes");
  EXPECT_LT(allocs.largest_bytes(), 1024u);
}

// The ratio check must not refuse real data: zeros are as compressible as input gets.
TEST(CompressionTest, MostCompressibleInputPassesTheRatioCheck) {
  const std::string zeros(8 << 20, '\0');
  std::string compressed, out;
  CompressSnappy(zeros, &compressed);
  EXPECT_GT(zeros.size() / compressed.size(), 20u);  // close to the bound: the test means it
  ASSERT_TRUE(DecompressSnappy(compressed, kLimit, &out).ok());
  EXPECT_EQ(out, zeros);
}

TEST(CompressionTest, LimitIsInclusive) {
  const std::string in(1000, 'x');
  std::string compressed, out;
  CompressSnappy(in, &compressed);
  EXPECT_TRUE(DecompressSnappy(compressed, 1000, &out).ok());
  absl::Status st = DecompressSnappy(compressed, 999, &out);
  EXPECT_EQ(st.message(), "snappy: decompressed size 1000 exceeds the limit of 999 bytes");
  EXPECT_TRUE(out.empty());
}

TEST(CompressionTest, GarbageIsInvalidArgument) {
  std::mt19937_64 rng(22);
  std::string out = "old";
  EXPECT_THAT(DecompressSnappy("", kLimit, &out).message(), HasSubstr("invalid block header"));
  EXPECT_TRUE(out.empty());
  // The snappy framing (stream) format is not what remote write sends.
  const std::string framed("\xff\x06\x00\x00sNaPpY", 10);
  EXPECT_EQ(DecompressSnappy(framed, kLimit, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecompressSnappy(std::string("\x05\xff\xff", 3), kLimit, &out).message(),
            "snappy: corrupt block");
  int refused = 0;
  for (int i = 0; i < 2000; i++) {
    std::string junk(1 + rng() % 200, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    absl::Status st = DecompressSnappy(junk, kLimit, &out);
    if (!st.ok()) {
      ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
      refused++;
    }
  }
  EXPECT_GT(refused, 1900);
}

TEST(CompressionTest, EveryTruncationIsRefused) {
  std::mt19937_64 rng(23);
  std::string compressed, out;
  CompressSnappy(RandomBytes(rng, 5000, 3), &compressed);
  for (size_t n = 0; n < compressed.size(); n++) {
    EXPECT_EQ(DecompressSnappy(compressed.substr(0, n), kLimit, &out).code(),
              absl::StatusCode::kInvalidArgument)
        << n;
  }
}

TEST(CompressionTest, ReusesTheOutputBuffer) {
  std::mt19937_64 rng(24);
  std::string big, small, out;
  CompressSnappy(RandomBytes(rng, 100000, 8), &big);
  CompressSnappy(RandomBytes(rng, 1000, 8), &small);
  ASSERT_TRUE(DecompressSnappy(big, kLimit, &out).ok());
  AllocationCounter allocs;
  ASSERT_TRUE(DecompressSnappy(small, kLimit, &out).ok());
  ASSERT_TRUE(DecompressSnappy(big, kLimit, &out).ok());
  EXPECT_EQ(allocs.count(), 0u);
}

}  // namespace
}  // namespace strata::prompb
