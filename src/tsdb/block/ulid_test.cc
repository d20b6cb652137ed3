#include "tsdb/block/ulid.h"

#include <array>
#include <set>
#include <string>

#include "absl/hash/hash.h"
#include "gtest/gtest.h"

namespace strata::tsdb::block {
namespace {

constexpr char kReference[] = "01M8A330PDKH79JT5WWS1GKG2C";

TEST(UlidTest, ParsesAndPrintsReferenceBlock) {
  std::optional<Ulid> u = Ulid::Parse(kReference);
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->ToString(), kReference);
  EXPECT_EQ(u->time_ms(), 1795635118797);  // 2026-11-25, the test data's clock
  const std::array<uint8_t, 16> want = {0x01, 0xa2, 0x14, 0x31, 0x82, 0xcd, 0x9c, 0x4e,
                                        0x99, 0x68, 0xbc, 0xe6, 0x43, 0x09, 0xc0, 0x4c};
  EXPECT_EQ(u->bytes(), want);
  EXPECT_EQ(Ulid::FromBytes(want), *u);
}

TEST(UlidTest, AcceptsLowerCase) {
  std::optional<Ulid> u = Ulid::Parse("01m8a330pdkh79jt5wws1gkg2c");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->ToString(), kReference);
}

TEST(UlidTest, NewWithInjectedEntropy) {
  const std::array<uint8_t, 10> entropy = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Ulid u = Ulid::New(1700000000000, entropy);
  EXPECT_EQ(u.ToString(), "01HF7YAT00041061050R3GG28A");  // computed independently
  EXPECT_EQ(u.time_ms(), 1700000000000);
  EXPECT_EQ(u.bytes()[6], 1);
  EXPECT_EQ(u.bytes()[15], 10);
}

TEST(UlidTest, Extremes) {
  EXPECT_EQ(Ulid().ToString(), "00000000000000000000000000");
  EXPECT_TRUE(Ulid().is_zero());
  std::array<uint8_t, 16> ones;
  ones.fill(0xff);
  Ulid max = Ulid::FromBytes(ones);
  EXPECT_EQ(max.ToString(), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  EXPECT_EQ(max.time_ms(), Ulid::kMaxTimeMs);
  EXPECT_EQ(Ulid::Parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), max);
  EXPECT_EQ(Ulid::Parse("00000000000000000000000000"), Ulid());
}

TEST(UlidTest, RandomRoundTrips) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; i++) {
    const int64_t ms = 1700000000000 + i;
    Ulid u = Ulid::New(ms);
    EXPECT_EQ(u.time_ms(), ms);
    const std::string s = u.ToString();
    ASSERT_EQ(s.size(), 26u);
    EXPECT_EQ(Ulid::Parse(s), u);
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 200u);  // 80 random bits: no collisions
  // Same millisecond: the random part differs.
  EXPECT_NE(Ulid::New(5), Ulid::New(5));
}

TEST(UlidTest, Rejects) {
  const char* bad[] = {
      "",
      "01M8A330PDKH79JT5WWS1GKG2",    // 25 chars
      "01M8A330PDKH79JT5WWS1GKG2CX",  // 27 chars
      "81M8A330PDKH79JT5WWS1GKG2C",   // first char > '7' overflows 128 bits
      "Z1M8A330PDKH79JT5WWS1GKG2C",
      "01M8A330PDKH79JT5WWS1GKG2I",  // I, L, O, U are not in the alphabet
      "01M8A330PDKH79JT5WWS1GKG2L",
      "01M8A330PDKH79JT5WWS1GKG2O",
      "01M8A330PDKH79JT5WWS1GKG2u",
      "01M8A330PDKH79JT5WWS1GKG2-",
      "01M8A330PDKH79JT5WWS1GKG2 ",
  };
  for (const char* s : bad) {
    EXPECT_FALSE(Ulid::Parse(s).has_value()) << s;
  }
  EXPECT_FALSE(Ulid::Parse(std::string_view("01M8A330PDKH79JT5WWS1GKG2\0", 26)).has_value());
}

TEST(UlidTest, OrderFollowsTimeAndText) {
  Ulid a = *Ulid::Parse("01M8A38Q9H18ZQMB3RB2ZKD7PG");
  Ulid b = *Ulid::Parse("01M8A39GQ7MQV28B5B2S1VM9C0");
  EXPECT_LT(a, b);
  EXPECT_LT(a.time_ms(), b.time_ms());
  for (int i = 0; i < 100; i++) {
    Ulid x = Ulid::New(1000 + i % 3), y = Ulid::New(1000 + i % 5);
    EXPECT_EQ(x < y, x.ToString() < y.ToString());
    EXPECT_EQ(x == y, x.ToString() == y.ToString());
  }
}

TEST(UlidTest, Hashable) {
  Ulid a = *Ulid::Parse(kReference);
  EXPECT_EQ(absl::Hash<Ulid>()(a), absl::Hash<Ulid>()(*Ulid::Parse(kReference)));
}

}  // namespace
}  // namespace strata::tsdb::block
