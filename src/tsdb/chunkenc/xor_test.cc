#include "tsdb/chunkenc/xor.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tsdb/chunkenc/test_util.h"

namespace strata::tsdb::chunkenc {
namespace {

using ::testing::HasSubstr;
using testutil::Bits;
using testutil::Decode;
using testutil::Encode;
using testutil::FromHex;
using testutil::Hex;
using testutil::Samples;
using testutil::SpecEncode;

constexpr int64_t kT0 = 1700000000000;
constexpr uint64_t kStaleNaN = 0x7ff0000000000002;

double FromBits(uint64_t b) { return std::bit_cast<double>(b); }

// Encodes, checks the bytes against the literal spec encoder, decodes and checks the samples.
void ExpectRoundTrip(const Samples& s) {
  const std::string bytes = Encode(s);
  ASSERT_EQ(Hex(bytes), Hex(SpecEncode(s)));
  absl::Status st;
  const Samples got = Decode(bytes, &st);
  ASSERT_TRUE(st.ok()) << st;
  ASSERT_EQ(Bits(got), Bits(s));
}

// §3.7–§3.9 and the single-sample case of §3.6, byte for byte.
TEST(XorChunkTest, WorkedExamples) {
  struct Case {
    const char* name;
    Samples samples;
    const char* hex;
  };
  const Case cases[] = {
      {"3.7 counter",
       {{kT0, 1021.0}, {kT0 + 15000, 1027.0}, {kT0 + 30000, 1033.5}},
       "00 03 80 a0 ab fe f9 62 40 8f e8 00 00 00 00 00 98 75 d6 5f f9 72 16 a0"},
      {"3.8 gauge",
       {{kT0, 21.5}, {kT0 + 15000, 21.75}, {kT0 + 31000, -3.25}},
       "00 03 80 a0 ab fe f9 62 40 35 80 00 00 00 00 00 98 75 e2 0e 0f a3 02 50 07 f8"},
      {"3.9 repeated value",
       {{kT0, 3}, {kT0 + 15000, 3}, {kT0 + 30000, 4}},
       "00 03 80 a0 ab fe f9 62 40 08 00 00 00 00 00 00 98 75 35 85 80"},
      {"3.6 single sample", {{kT0, 1.5}}, "00 01 80 a0 ab fe f9 62 3f f8 00 00 00 00 00 00 00"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Hex(Encode(c.samples)), c.hex);
    absl::Status st;
    EXPECT_EQ(Bits(Decode(FromHex(c.hex), &st)), Bits(c.samples));
    EXPECT_TRUE(st.ok()) << st;
  }
}

TEST(XorChunkTest, EmptyChunk) {
  XorChunk c;
  EXPECT_EQ(Hex(c.bytes()), "00 00");
  EXPECT_EQ(c.num_samples(), 0);
  EXPECT_EQ(c.encoding(), Encoding::kXOR);
  XorIterator it = c.Iterator();
  EXPECT_FALSE(it.Next());
  EXPECT_TRUE(it.status().ok());
  XorIterator none;
  EXPECT_FALSE(none.Next());
  EXPECT_FALSE(none.Seek(0));
  EXPECT_TRUE(none.status().ok());
}

TEST(XorChunkTest, SpecialValuesRoundTripBitExactly) {
  const uint64_t patterns[] = {
      kStaleNaN,           // Prometheus stale marker
      0x7ff8000000000001,  // Go's NaN
      0x7ff8000000000000,  // C's quiet NaN
      0xfff8deadbeef0001,  // negative NaN with payload
      0x7ff0000000000001,  // signalling NaN
      std::bit_cast<uint64_t>(std::numeric_limits<double>::infinity()),
      std::bit_cast<uint64_t>(-std::numeric_limits<double>::infinity()),
      std::bit_cast<uint64_t>(-0.0),
      std::bit_cast<uint64_t>(0.0),
      1,  // smallest denormal
      std::bit_cast<uint64_t>(std::numeric_limits<double>::max()),
      std::bit_cast<uint64_t>(1.0),
      std::bit_cast<uint64_t>(1.0000000000000002),  // xor with 1.0 has 63 leading 0s
      std::bit_cast<uint64_t>(-1.0000000000000002),
  };
  Samples s;
  int64_t t = kT0;
  for (int rep = 0; rep < 3; rep++) {
    for (uint64_t p : patterns) s.emplace_back(t += 15000, FromBits(p));
  }
  ExpectRoundTrip(s);
}

TEST(XorChunkTest, TimestampEdgeCases) {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  ExpectRoundTrip({{kMin, 1}, {kMin + 1, 2}, {0, 3}, {kMax - 1, 4}, {kMax, 5}});
  ExpectRoundTrip({{-5000, 1}, {-1, 1}, {0, 1}, {1, 1}});
  // Every dod bucket boundary of §3.4 (and one past it), positive and negative.
  for (int64_t dod :
       std::initializer_list<int64_t>{0, 1, -1, 8192, -8191, 8193, -8192, 65536, -65535, 65537,
                                      -65536, 524288, -524287, 524289, -524288, int64_t{1} << 40}) {
    SCOPED_TRACE(dod);
    const int64_t d1 = 1000000000;
    ExpectRoundTrip({{0, 1}, {d1, 2}, {2 * d1 + dod, 3}, {3 * d1 + 2 * dod, 3}});
  }
}

TEST(XorChunkTest, NonIncreasingTimestampsStillDecode) {
  // Not allowed by callers, but the arithmetic wraps consistently, so nothing is lost.
  ExpectRoundTrip({{100, 1}, {100, 2}, {50, 3}, {200, 4}, {-7, 5}});
}

Samples Counter(std::mt19937_64& rng, int n) {
  Samples s;
  int64_t t = kT0;
  double v = 0;
  for (int i = 0; i < n; i++) {
    t += 15000 + static_cast<int64_t>(rng() % 11) - 5;
    v += static_cast<double>(rng() % 100);
    s.emplace_back(t, v);
  }
  return s;
}

Samples Gauge(std::mt19937_64& rng, int n) {
  Samples s;
  int64_t t = kT0;
  int64_t cents = 2000;
  for (int i = 0; i < n; i++) {
    t += 15000;
    cents += static_cast<int64_t>(rng() % 201) - 100;
    s.emplace_back(t, static_cast<double>(cents) / 100.0);
  }
  return s;
}

// Arbitrary bit patterns and time jumps of every size, both directions of dod.
Samples Wild(std::mt19937_64& rng, int n) {
  Samples s;
  int64_t t = -static_cast<int64_t>(rng() >> 20);
  for (int i = 0; i < n; i++) {
    const int shift = static_cast<int>(rng() % 48);
    t += 1 + static_cast<int64_t>(rng() >> (16 + shift));
    uint64_t bits = rng();
    switch (rng() % 6) {
      case 0:
        bits = kStaleNaN;
        break;
      case 1:
        bits = std::bit_cast<uint64_t>(s.empty() ? 0.0 : s.back().second);
        break;
      case 2:
        bits = std::bit_cast<uint64_t>(static_cast<double>(rng() % 1000));
        break;
      default:
        break;
    }
    s.emplace_back(t, FromBits(bits));
  }
  return s;
}

TEST(XorChunkTest, RandomRoundTrips) {
  std::mt19937_64 rng(1234);
  for (int n : {1, 2, 3, 4, 120, 10000}) {
    SCOPED_TRACE(n);
    for (int round = 0; round < 20; round++) {
      ExpectRoundTrip(Counter(rng, n));
      ExpectRoundTrip(Gauge(rng, n));
      ExpectRoundTrip(Wild(rng, n));
      if (n >= 1000) break;
    }
  }
}

TEST(XorChunkTest, MaxSamples) {
  Samples s;
  for (int i = 0; i < kXorMaxSamples; i++) s.emplace_back(i * 1000, i % 7);
  const std::string bytes = Encode(s);
  EXPECT_EQ(Hex(bytes.substr(0, 2)), "ff ff");
  absl::Status st;
  EXPECT_EQ(Decode(bytes, &st).size(), static_cast<size_t>(kXorMaxSamples));
  EXPECT_TRUE(st.ok());
}

TEST(XorIteratorTest, SeekSemantics) {
  Samples s;
  for (int i = 1; i <= 10; i++) s.emplace_back(i * 10, i);
  const std::string bytes = Encode(s);

  XorIterator it(bytes);
  ASSERT_TRUE(it.Seek(-100));  // before the first sample: lands on it
  EXPECT_EQ(it.t(), 10);
  ASSERT_TRUE(it.Seek(10));
  EXPECT_EQ(it.t(), 10);
  ASSERT_TRUE(it.Seek(25));
  EXPECT_EQ(it.t(), 30);
  ASSERT_TRUE(it.Seek(15));  // never moves backwards
  EXPECT_EQ(it.t(), 30);
  ASSERT_TRUE(it.Next());
  EXPECT_EQ(it.At(), (std::pair<int64_t, double>{40, 4}));
  ASSERT_TRUE(it.Seek(100));
  EXPECT_EQ(it.v(), 10);
  EXPECT_FALSE(it.Next());
  EXPECT_FALSE(it.Seek(0));  // exhausted stays exhausted
  EXPECT_TRUE(it.status().ok());

  XorIterator past(bytes);
  EXPECT_FALSE(past.Seek(101));
  EXPECT_FALSE(past.Next());
  EXPECT_TRUE(past.status().ok());

  // Reset reuses the object.
  past.Reset(bytes);
  ASSERT_TRUE(past.Seek(55));
  EXPECT_EQ(past.t(), 60);
}

// Decodes every truncation of `bytes` from a right-sized heap buffer (so sanitizers catch any
// over-read). A truncation that cuts sample bits must fail with DataLoss; samples decoded before
// the failure must be a correct prefix.
void CheckAllTruncations(const std::string& bytes, const Samples& want) {
  for (size_t len = 0; len < bytes.size(); len++) {
    SCOPED_TRACE(len);
    std::unique_ptr<char[]> buf(new char[len + 1]);
    std::memcpy(buf.get(), bytes.data(), len);
    absl::Status st;
    const Samples got = Decode(std::string_view(buf.get(), len), &st);
    ASSERT_LE(got.size(), want.size());
    ASSERT_EQ(Bits(got), Bits(Samples(want.begin(), want.begin() + got.size())));
    if (st.ok()) {
      // Only padding or the unused trailing byte was cut.
      ASSERT_EQ(got.size(), want.size());
      ASSERT_GE(len + 1, bytes.size());
    } else {
      ASSERT_EQ(st.code(), absl::StatusCode::kDataLoss) << st;
      ASSERT_THAT(std::string(st.message()), HasSubstr("xor chunk"));
    }
  }
}

TEST(XorIteratorTest, TruncationAtEveryLength) {
  std::mt19937_64 rng(99);
  for (const Samples& s : {Counter(rng, 120), Gauge(rng, 120), Wild(rng, 120), Samples{{kT0, 1.5}},
                           Samples{{kT0, 1}, {kT0 + 1, 1}}}) {
    CheckAllTruncations(Encode(s), s);
  }
}

TEST(XorIteratorTest, TruncationMessageNamesSampleAndOffset) {
  const std::string bytes = FromHex("00 03 80 a0 ab fe f9 62 40 8f e8 00 00 00 00 00 98 75 d6");
  absl::Status st;
  EXPECT_EQ(Decode(bytes, &st).size(), 1u);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(st.message()), HasSubstr("sample 1 of 3"));
  EXPECT_THAT(std::string(st.message()), HasSubstr("bit offset"));

  EXPECT_EQ(Decode("\x00", &st).size(), 0u);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(st.message()), HasSubstr("header"));
}

TEST(XorIteratorTest, HeaderClaimsMoreSamples) {
  std::string bytes =
      FromHex("00 03 80 a0 ab fe f9 62 40 8f e8 00 00 00 00 00 98 75 d6 5f f9 72 16 a0");
  // The 5 padding bits read as two more "dod 0, value unchanged" samples (2 bits each); the
  // format has no end marker, so only running out of bits can be detected.
  bytes[1] = 6;
  absl::Status st;
  EXPECT_EQ(Decode(bytes, &st).size(), 5u);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(st.message()), HasSubstr("sample 5 of 6"));
}

TEST(XorIteratorTest, ImpossibleValueWindowIsDataLoss) {
  // Sample 1 opens a window with leading 31 and 63 significant bits: 31 + 63 > 64.
  // Bits: 1 1 11111 111111, then enough payload bits to read.
  const std::string bytes =
      FromHex("00 02 00 00 00 00 00 00 00 00 00 01 ff f8 ff ff ff ff ff ff ff ff");
  absl::Status st;
  EXPECT_EQ(Decode(bytes, &st).size(), 1u);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
}

TEST(XorIteratorTest, OverlongVarintIsDataLoss) {
  const std::string bytes = FromHex("00 01 ff ff ff ff ff ff ff ff ff 7f 00 00 00 00 00 00 00 00");
  absl::Status st;
  EXPECT_TRUE(Decode(bytes, &st).empty());
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
}

TEST(XorIteratorTest, BitFlipsNeverCrash) {
  std::mt19937_64 rng(5);
  const Samples s = Wild(rng, 40);
  const std::string bytes = Encode(s);
  int failures = 0;
  for (size_t bit = 0; bit < bytes.size() * 8; bit++) {
    std::string b = bytes;
    b[bit / 8] = static_cast<char>(b[bit / 8] ^ (0x80 >> (bit % 8)));
    absl::Status st;
    const Samples got = Decode(b, &st);
    ASSERT_LE(got.size(), 65535u);
    if (!st.ok()) {
      ASSERT_EQ(st.code(), absl::StatusCode::kDataLoss);
      failures++;
    }
  }
  // Flips in the header's high byte claim far more samples than there are.
  EXPECT_GT(failures, 8);
}

// ---------------------------------------------------------------------------------------------
// Appending to a chunk loaded from bytes.

TEST(XorAppenderTest, ResumeIsByteIdenticalToOnePass) {
  std::mt19937_64 rng(77);
  const Samples gens[] = {Counter(rng, 150), Gauge(rng, 150), Wild(rng, 150),
                          Samples(150, {0, 5.0})};
  for (Samples s : gens) {
    if (s.front().first == 0) {
      for (size_t i = 0; i < s.size(); i++) s[i].first = static_cast<int64_t>(i) * 15000;
    }
    const std::string full = Encode(s);
    for (size_t k = 0; k <= s.size(); k += (k < 5 ? 1 : 17)) {
      SCOPED_TRACE(k);
      const std::string prefix = Encode(Samples(s.begin(), s.begin() + k));
      auto c = XorChunk::FromBytes(prefix);
      ASSERT_TRUE(c.ok());
      auto app = c->Appender();
      ASSERT_TRUE(app.ok()) << app.status();
      EXPECT_EQ(app->num_samples(), k);
      for (size_t i = k; i < s.size(); i++) app->Append(s[i].first, s[i].second);
      ASSERT_EQ(Hex(c->bytes()), Hex(full));
    }
  }
}

TEST(XorAppenderTest, SecondAppenderOnSameChunkContinues) {
  std::mt19937_64 rng(3);
  const Samples s = Gauge(rng, 30);
  XorChunk c;
  {
    auto app = c.Appender();
    ASSERT_TRUE(app.ok());
    for (int i = 0; i < 10; i++) app->Append(s[i].first, s[i].second);
  }
  EXPECT_EQ(c.num_samples(), 10);
  auto app = c.Appender();
  ASSERT_TRUE(app.ok()) << app.status();
  for (int i = 10; i < 30; i++) app->Append(s[i].first, s[i].second);
  EXPECT_EQ(Hex(c.bytes()), Hex(Encode(s)));
  XorIterator it = c.Iterator();
  ASSERT_TRUE(it.Seek(s[29].first));
  EXPECT_EQ(it.v(), s[29].second);
}

TEST(XorAppenderTest, ResumeSingleSampleWithUnusedTrailingByte) {
  auto c = XorChunk::FromBytes(FromHex("00 01 80 a0 ab fe f9 62 3f f8 00 00 00 00 00 00 00"));
  ASSERT_TRUE(c.ok());
  auto app = c->Appender();
  ASSERT_TRUE(app.ok()) << app.status();
  app->Append(kT0 + 15000, 1.5);
  EXPECT_EQ(Hex(c->bytes()), Hex(Encode({{kT0, 1.5}, {kT0 + 15000, 1.5}})));
}

TEST(XorAppenderTest, ResumeRejectsCorruptOrTrailingData) {
  const std::string good =
      FromHex("00 03 80 a0 ab fe f9 62 40 8f e8 00 00 00 00 00 98 75 d6 5f f9 72 16 a0");
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"truncated", good.substr(0, good.size() - 2)},
      {"garbage byte after", good + std::string("\x01", 1)},
      {"two zero bytes after", good + std::string(2, '\0')},
      {"padding bits set", good.substr(0, good.size() - 1) + "\xa1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto chunk = XorChunk::FromBytes(c.bytes);
    ASSERT_TRUE(chunk.ok());
    auto app = chunk->Appender();
    ASSERT_FALSE(app.ok());
    EXPECT_EQ(app.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(app.status().message()), HasSubstr("resume appending"));
  }
  EXPECT_EQ(XorChunk::FromBytes("\x00").status().code(), absl::StatusCode::kDataLoss);
}

TEST(XorAppenderTest, ResumeAfterPrometheusStyleZeroWindow) {
  // A chunk whose writer resumed with the 0/0 window (Prometheus after loading a snapshot): the
  // second value uses the reuse-window form with 64 bits before any window was opened (§3.5).
  // Bits after "98 75": 1 0 <64 bits of 1.0 ^ 2.0>.
  const uint64_t x = std::bit_cast<uint64_t>(1.0) ^ std::bit_cast<uint64_t>(2.0);
  std::string bytes = FromHex("00 02 80 a0 ab fe f9 62 3f f0 00 00 00 00 00 00 98 75");
  std::string tail;
  BitWriter w(&tail, 0, false);
  w.WriteBits(0b10, 2);
  w.WriteBits(x, 64);
  bytes += tail.substr(0, w.size_bytes());
  absl::Status st;
  EXPECT_EQ(Bits(Decode(bytes, &st)), Bits({{kT0, 1.0}, {kT0 + 15000, 2.0}}));
  EXPECT_TRUE(st.ok()) << st;
}

}  // namespace
}  // namespace strata::tsdb::chunkenc
