// Fuzz-style tests: mutated and truncated request bodies must never crash the decoder, and
// whatever it accepts must be what libprotobuf reads from the same bytes.
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prompb/compression.h"
#include "prompb/decode.h"
#include "prompb/test_util.h"
#include "src/prompb/testdata/remote_write.pb.h"

namespace strata::prompb {
namespace {

using testing::RandomProtoRequest;
using testing::ViewMatchesProto;
using Rng = std::mt19937_64;

std::vector<std::string> SeedBodies() {
  Rng rng(31);
  std::vector<std::string> seeds;
  while (seeds.size() < 40) {
    std::string body = RandomProtoRequest(rng).SerializeAsString();
    if (!body.empty() && body.size() < 6000) seeds.push_back(std::move(body));
  }
  return seeds;
}

size_t Pick(Rng& rng, size_t n) { return n == 0 ? 0 : rng() % n; }

// Applies one random edit to `s`; `other` supplies bytes for splices.
void Mutate(Rng& rng, const std::string& other, std::string* s) {
  static const char kInteresting[] = {'\x00', '\x01', '\x7f', '\x80', '\xff', '\x0a', '\x12',
                                      '\x0b', '\x0c', '\x0f', '\x09', '\x1a', '\x22'};
  const size_t at = Pick(rng, s->size());
  switch (rng() % 9) {
    case 0:
      if (!s->empty()) (*s)[at] ^= static_cast<char>(1 << (rng() % 8));
      break;
    case 1:
      if (!s->empty()) (*s)[at] = static_cast<char>(rng());
      break;
    case 2:
      if (!s->empty()) (*s)[at] = kInteresting[Pick(rng, sizeof kInteresting)];
      break;
    case 3:
      s->insert(at, std::string(1 + rng() % 4, static_cast<char>(rng())));
      break;
    case 4:
      s->erase(at, 1 + rng() % 16);
      break;
    case 5:
      s->resize(at);
      break;
    case 6:
      s->insert(at, s->substr(Pick(rng, s->size()), 1 + rng() % 64));
      break;
    case 7:
      s->replace(at, rng() % 32, other.substr(Pick(rng, other.size()), 1 + rng() % 64));
      break;
    default:
      s->insert(at, std::string(9, '\xff') + static_cast<char>(rng() % 4));
      break;
  }
}

struct Tally {
  int accepted = 0;
  int refused = 0;
};

// Decodes `body` with both decoders; libprotobuf reads the lenient schema (strings and
// histograms as bytes). What we accept, libprotobuf must accept with the same content. What we
// refuse and it accepts must be strictness that decode.h documents: a known field with the
// wrong wire type (libprotobuf files it as unknown), a 10-byte varint above 64 bits or a field
// key above 32 bits (libprotobuf drops the excess bits), a histogram with a malformed top level.
void CheckAgainstLibprotobuf(const std::string& body, WriteRequestView* view, Tally* tally) {
  absl::Status st = DecodeWriteRequest(body, view);
  prompb_test::LenientWriteRequest proto;
  const bool proto_ok = proto.ParseFromString(body);
  if (st.ok()) {
    tally->accepted++;
    ASSERT_TRUE(proto_ok) << "libprotobuf refused what we accepted";
    ASSERT_TRUE(ViewMatchesProto(*view, proto));
    return;
  }
  tally->refused++;
  ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  if (proto_ok) {
    ASSERT_THAT(std::string(st.message()),
                ::testing::AnyOf(::testing::HasSubstr("has wire type"),
                                 ::testing::HasSubstr("overflows 64 bits"),
                                 ::testing::HasSubstr("exceeds the maximum of 536870911"),
                                 ::testing::HasSubstr("histograms[")))
        << "libprotobuf accepted what we refused";
  }
}

TEST(FuzzTest, MutatedBodiesAreDecodedOrRefusedLikeLibprotobuf) {
  const std::vector<std::string> seeds = SeedBodies();
  Rng rng(32);
  WriteRequestView view;
  Tally tally;
  for (int i = 0; i < 30000; i++) {
    std::string body = seeds[Pick(rng, seeds.size())];
    for (int edits = 1 + rng() % 4; edits > 0; edits--) {
      Mutate(rng, seeds[Pick(rng, seeds.size())], &body);
    }
    SCOPED_TRACE(i);
    CheckAgainstLibprotobuf(body, &view, &tally);
    if (HasFatalFailure()) return;
  }
  // Both outcomes must be common, or the mutations explore too little.
  EXPECT_GT(tally.accepted, 1000);
  EXPECT_GT(tally.refused, 10000);
}

TEST(FuzzTest, RandomBytesAreDecodedOrRefusedLikeLibprotobuf) {
  Rng rng(33);
  WriteRequestView view;
  Tally tally;
  for (int i = 0; i < 20000; i++) {
    std::string body(rng() % 64, '\0');
    for (char& c : body) c = static_cast<char>(rng());
    SCOPED_TRACE(i);
    CheckAgainstLibprotobuf(body, &view, &tally);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(tally.refused, 10000);
}

// The whole receive path on corrupted compressed bodies: only OK or InvalidArgument.
TEST(FuzzTest, MutatedCompressedBodies) {
  const std::vector<std::string> seeds = SeedBodies();
  Rng rng(34);
  std::string compressed, body;
  WriteRequestView view;
  for (int i = 0; i < 10000; i++) {
    CompressSnappy(seeds[Pick(rng, seeds.size())], &compressed);
    for (int edits = 1 + rng() % 3; edits > 0; edits--) Mutate(rng, compressed, &compressed);
    absl::Status st = DecompressSnappy(compressed, 1 << 20, &body);
    if (st.ok()) st = DecodeWriteRequest(body, &view);
    ASSERT_TRUE(st.ok() || st.code() == absl::StatusCode::kInvalidArgument) << st;
  }
}

}  // namespace
}  // namespace strata::prompb
