#include "prompb/encode.h"

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "prompb/decode.h"
#include "prompb/test_util.h"
#include "src/prompb/testdata/remote_write.pb.h"

namespace strata::prompb {
namespace {

using testing::AllocationCounter;
using testing::FromProto;
using testing::RandomProtoRequest;

std::string Hex(const std::string& s) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(EncodeTest, ByteIdenticalToLibprotobuf) {
  std::mt19937_64 rng(11);
  std::string ours;
  for (int i = 0; i < 400; i++) {
    SCOPED_TRACE(i);
    const prompb_test::WriteRequest proto = RandomProtoRequest(rng);
    const WriteRequest req = FromProto(proto);
    EncodeWriteRequest(req, &ours);
    ASSERT_EQ(ours, proto.SerializeAsString());
    ASSERT_EQ(EncodedSize(req), ours.size());
    prompb_test::WriteRequest parsed;
    ASSERT_TRUE(parsed.ParseFromString(ours));
    ASSERT_EQ(parsed.timeseries_size(), proto.timeseries_size());
  }
}

TEST(EncodeTest, RoundTripThroughTheDecoder) {
  std::mt19937_64 rng(12);
  WriteRequestView view;
  std::string first, second;
  for (int i = 0; i < 100; i++) {
    EncodeWriteRequest(FromProto(RandomProtoRequest(rng)), &first);
    ASSERT_TRUE(DecodeWriteRequest(first, &view).ok());
    EncodeWriteRequest(ToWriteRequest(view), &second);
    ASSERT_EQ(first, second);
  }
}

TEST(EncodeTest, ExactBytesOfSmallRequests) {
  struct Case {
    const char* name;
    WriteRequest req;
    std::string hex;  // spaces between fields for reading; ignored
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const Case cases[] = {
      {"empty", {}, ""},
      {"series with nothing", {{TimeSeries{}}, {}}, "0a00"},
      // Defaults are omitted: an all-zero sample is an empty message; an empty label too.
      {"default sample and label",
       {{TimeSeries{{{"", ""}}, {{0.0, 0}}, {}, {}}}, {}},
       "0a04 0a00 1200"},
      // -0.0 is not the default (its bits are not zero), nor is NaN.
      {"negative zero",
       {{TimeSeries{{}, {{-0.0, 0}}, {}, {}}}, {}},
       "0a0b 1209 090000000000000080"},
      {"NaN and a negative timestamp",
       {{TimeSeries{{}, {{nan, -1}}, {}, {}}}, {}},
       "0a16 1214 09000000000000f87f 10ffffffffffffffffff01"},
      {"label", {{TimeSeries{{{"a", "bc"}}, {}, {}, {}}}, {}}, "0a09 0a07 0a0161 12026263"},
      {"exemplar",
       {{TimeSeries{{}, {}, {Exemplar{{{"t", "1"}}, 1.0, 5}}, {}}}, {}},
       "0a15 1a13 0a06 0a0174 120131 11000000000000f03f 1805"},
      {"histogram bytes",
       {{TimeSeries{{}, {}, {}, {std::string("\x08\x03", 2)}}}, {}},
       "0a04 2202 0803"},
      {"metadata",
       {{}, {MetricMetadata{MetricType::kGauge, "up", "", "s"}}},
       "1a09 0802 12027570 2a0173"},
      {"negative enum",
       {{}, {MetricMetadata{static_cast<MetricType>(-1), "", "", ""}}},
       "1a0b 08ffffffffffffffffff01"},
  };
  std::string out = "stale bytes are replaced";
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EncodeWriteRequest(c.req, &out);
    std::string want = c.hex;
    std::erase(want, ' ');
    EXPECT_EQ(Hex(out), want);
  }
}

TEST(EncodeTest, ReusesTheOutputBuffer) {
  std::mt19937_64 rng(13);
  const WriteRequest big = FromProto(RandomProtoRequest(rng));
  const WriteRequest small = FromProto(RandomProtoRequest(rng));
  std::string out;
  EncodeWriteRequest(big, &out);
  EncodeWriteRequest(small, &out);
  ASSERT_GE(out.capacity(), EncodedSize(big));
  AllocationCounter allocs;
  EncodeWriteRequest(big, &out);
  EXPECT_EQ(allocs.count(), 0u);
}

}  // namespace
}  // namespace strata::prompb
