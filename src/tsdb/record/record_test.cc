#include "tsdb/record/record.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace strata::tsdb::record {
namespace {

using ::testing::HasSubstr;

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
double FromBits(uint64_t b) {
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

std::string Hex(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Unhex(std::string_view hex) {
  std::string out;
  std::string digits;
  for (char c : hex) {
    if (c != ' ' && c != '|') digits.push_back(c);
  }
  for (size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

void ExpectSamplesEq(const std::vector<RefSample>& got, const std::vector<RefSample>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); i++) {
    SCOPED_TRACE(i);
    EXPECT_EQ(got[i].ref, want[i].ref);
    EXPECT_EQ(got[i].t, want[i].t);
    EXPECT_EQ(Bits(got[i].v), Bits(want[i].v));
  }
}

constexpr uint64_t kStaleNaN = 0x7ff0000000000002ULL;

std::vector<RefSample> EdgeSamples() {
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  return {
      {5, 1700000000000, 1.5},
      {4, 1699999999999, FromBits(kStaleNaN)},
      {0, -1, -0.0},
      {std::numeric_limits<uint64_t>::max(), kMin, std::numeric_limits<double>::infinity()},
      {1, kMax, -std::numeric_limits<double>::infinity()},
      {1ULL << 63, 0, FromBits(0x7ff8000000000001ULL)},  // quiet NaN with a payload
      {7, -1700000000000, FromBits(0xfff0000000000abcULL)},
      {7, 1700000000000, std::numeric_limits<double>::denorm_min()},
  };
}

TEST(RecordTest, TypeOfEachRecord) {
  for (int b = 1; b <= 8; b++) {
    std::string rec(1, static_cast<char>(b));
    auto t = Type(rec);
    ASSERT_TRUE(t.ok()) << b;
    EXPECT_EQ(static_cast<int>(*t), b);
  }
  EXPECT_EQ(Type("").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Type(std::string(1, '\0')).status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(Type("\x09").status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(Type("\xff").status().code(), absl::StatusCode::kUnimplemented);
}

TEST(RecordTest, SamplesMatchSpecExampleBytes) {
  const int64_t t0 = 0x000001a21432fd96;
  std::vector<RefSample> in = {{1, t0, 2.0}, {2, t0 - 1, 4.0}, {3, t0 - 1, 1.0}};
  std::string rec;
  EncodeSamples(in, &rec);
  EXPECT_EQ(Hex(rec), Hex(Unhex("02 0000000000000001 000001a21432fd96 0000 4000000000000000"
                                "0201 4010000000000000 0401 3ff0000000000000")));
  Decoder dec;
  std::vector<RefSample> out;
  ASSERT_TRUE(dec.Samples(rec, &out).ok());
  ExpectSamplesEq(out, in);
}

TEST(RecordTest, SamplesEdgeValuesRoundTripBitExact) {
  std::vector<RefSample> in = EdgeSamples();
  std::string rec = "prefix";  // encoders append
  EncodeSamples(in, &rec);
  ASSERT_EQ(rec.substr(0, 6), "prefix");
  Decoder dec;
  std::vector<RefSample> out = {{9, 9, 9}};  // decoders clear
  ASSERT_TRUE(dec.Samples(std::string_view(rec).substr(6), &out).ok());
  ExpectSamplesEq(out, in);
  EXPECT_EQ(Bits(out[1].v), kStaleNaN);
}

TEST(RecordTest, EmptyRecordsAreTheTypeByte) {
  std::string rec;
  EncodeSamples({}, &rec);
  EXPECT_EQ(rec, "\x02");
  Decoder dec;
  std::vector<RefSample> out = {{1, 1, 1}};
  ASSERT_TRUE(dec.Samples(rec, &out).ok());
  EXPECT_TRUE(out.empty());
  rec.clear();
  EncodeSeries({}, &rec);
  EXPECT_EQ(rec, "\x01");
}

TEST(RecordTest, SeriesMatchSpecExampleBytes) {
  std::vector<RefSeries> in = {
      {1, labels::Labels{{"__name__", "ooo_metric"},
                         {"instance", "127.0.0.1:9199"},
                         {"job", "target"},
                         {"kind", "a"}}},
  };
  std::string rec;
  EncodeSeries(in, &rec);
  std::string want = Unhex("01 0000000000000001 04");
  for (std::string_view s :
       {"__name__", "ooo_metric", "instance", "127.0.0.1:9199", "job", "target", "kind", "a"}) {
    want.push_back(static_cast<char>(s.size()));
    want.append(s);
  }
  EXPECT_EQ(Hex(rec), Hex(want));
}

TEST(RecordTest, SeriesRoundTrip) {
  std::string long_value(300, 'x');  // two-byte length varint
  std::vector<RefSeries> in = {
      {1, labels::Labels{{"__name__", "up"}, {"job", "a"}}},
      {std::numeric_limits<uint64_t>::max(), labels::Labels{{"k", long_value}}},
      {0, labels::Labels{}},
      {42, labels::Labels{{"ünï", "cødé\n\"q\""}, {"a", "1"}}},
  };
  std::string rec;
  EncodeSeries(in, &rec);
  Decoder dec;
  std::vector<RefSeries> out;
  ASSERT_TRUE(dec.Series(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(RecordTest, SeriesWithUnsortedLabelsIsSortedAndDuplicatesAreDataLoss) {
  std::string rec = Unhex("01 0000000000000007 02");
  for (std::string_view s : {"job", "x", "__name__", "m"}) {
    rec.push_back(static_cast<char>(s.size()));
    rec.append(s);
  }
  Decoder dec;
  std::vector<RefSeries> out;
  ASSERT_TRUE(dec.Series(rec, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].ref, 7u);
  EXPECT_EQ(out[0].labels, (labels::Labels{{"__name__", "m"}, {"job", "x"}}));

  std::string dup = Unhex("01 0000000000000007 02 016101310161 0132");
  absl::Status s = dec.Series(dup, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("duplicate label name"));
}

TEST(RecordTest, TombstonesRoundTrip) {
  std::vector<Stone> in = {
      {1, -5, 10},
      {1, 100, 200},
      {std::numeric_limits<uint64_t>::max(), std::numeric_limits<int64_t>::min(),
       std::numeric_limits<int64_t>::max()}};
  std::string rec;
  EncodeTombstones(in, &rec);
  Decoder dec;
  std::vector<Stone> out;
  ASSERT_TRUE(dec.Tombstones(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(RecordTest, MmapMarkersMatchSpecBytesAndRoundTrip) {
  std::vector<RefMmapMarker> in = {{1, 0}, {2, 0x0000000700000008ULL}};
  std::string rec;
  EncodeMmapMarkers(in, &rec);
  EXPECT_EQ(Hex(rec).substr(0, 34),
            "050000000000000001"
            "0000000000000000");
  Decoder dec;
  std::vector<RefMmapMarker> out;
  ASSERT_TRUE(dec.MmapMarkers(rec, &out).ok());
  EXPECT_EQ(out, in);
}

TEST(RecordTest, ExemplarsRoundTrip) {
  std::vector<RefExemplar> in = {
      {10, 1000, 1.25, labels::Labels{{"trace_id", "abc"}}},
      {3, 999, FromBits(kStaleNaN), labels::Labels{}},
      {11, -5, 7, labels::Labels{{"a", "b"}, {"span_id", "0123"}}},
  };
  std::string rec;
  EncodeExemplars(in, &rec);
  Decoder dec;
  std::vector<RefExemplar> out;
  ASSERT_TRUE(dec.Exemplars(rec, &out).ok());
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); i++) {
    EXPECT_EQ(out[i].ref, in[i].ref);
    EXPECT_EQ(out[i].t, in[i].t);
    EXPECT_EQ(Bits(out[i].v), Bits(in[i].v));
    EXPECT_EQ(out[i].labels, in[i].labels);
  }
}

TEST(RecordTest, MetadataRoundTripAndUnknownFieldsIgnored) {
  std::vector<RefMetadata> in = {
      {1, static_cast<uint8_t>(MetricType::kCounter), "seconds", "Total time."},
      {300, static_cast<uint8_t>(MetricType::kGauge), "", ""},
  };
  std::string rec;
  EncodeMetadata(in, &rec);
  Decoder dec;
  std::vector<RefMetadata> out;
  ASSERT_TRUE(dec.Metadata(rec, &out).ok());
  EXPECT_EQ(out, in);

  // ref 5, type 6, three fields: HELP, an unknown one, UNIT.
  std::string other = Unhex("06 05 06 03");
  for (std::string_view s : {"HELP", "h", "FOO", "bar", "UNIT", "u"}) {
    other.push_back(static_cast<char>(s.size()));
    other.append(s);
  }
  ASSERT_TRUE(dec.Metadata(other, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], (RefMetadata{5, 6, "u", "h"}));
}

TEST(RecordTest, WrongTypeIsInvalidArgument) {
  std::string rec;
  EncodeSamples(EdgeSamples(), &rec);
  Decoder dec;
  std::vector<RefSeries> series;
  EXPECT_EQ(dec.Series(rec, &series).code(), absl::StatusCode::kInvalidArgument);
  std::vector<Stone> stones;
  EXPECT_EQ(dec.Tombstones("", &stones).code(), absl::StatusCode::kDataLoss);
}

TEST(RecordTest, TrailingGarbageIsDataLoss) {
  std::string rec;
  EncodeMmapMarkers(std::vector<RefMmapMarker>{{1, 2}}, &rec);
  rec.append("\x01\x02\x03");
  Decoder dec;
  std::vector<RefMmapMarker> out;
  absl::Status s = dec.MmapMarkers(rec, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("mmap markers record"));
  EXPECT_THAT(s.message(), HasSubstr("offset"));
}

// Encodes every prefix of `entries`; the encoding of a prefix is a prefix of the whole encoding,
// so a truncated record decodes OK exactly at those lengths and fails (DataLoss) at every other.
// `header_only_len`, if not 0, is one more length that decodes to no entries (the base ref and
// timestamp of samples/exemplars without any entry, which Prometheus accepts too).
template <typename T, typename Encode, typename Decode, typename Eq>
void CheckEveryTruncation(const std::vector<T>& entries, Encode encode, Decode decode, Eq eq,
                          size_t header_only_len = 0) {
  std::string full;
  encode(std::span<const T>(entries), &full);
  std::map<size_t, size_t> boundaries;  // length → entries in it
  for (size_t k = 0; k <= entries.size(); k++) {
    std::string part;
    encode(std::span<const T>(entries.data(), k), &part);
    ASSERT_EQ(full.substr(0, part.size()), part);
    boundaries[part.size()] = k;
  }
  if (header_only_len != 0) boundaries[header_only_len] = 0;
  std::vector<T> out;
  for (size_t len = 0; len <= full.size(); len++) {
    SCOPED_TRACE(len);
    absl::Status s = decode(std::string_view(full.data(), len), &out);
    auto it = boundaries.find(len);
    if (it == boundaries.end()) {
      EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
      continue;
    }
    ASSERT_TRUE(s.ok()) << s;
    ASSERT_EQ(out.size(), it->second);
    for (size_t i = 0; i < out.size(); i++) EXPECT_TRUE(eq(out[i], entries[i]));
  }
}

// Deltas whose zigzag varints take one, two (decoded inline) and three or more bytes, at the
// boundaries between those lengths.
std::vector<RefSample> VarintLengthSamples() {
  std::vector<RefSample> out = {{100000, 1700000000000, 0}};
  for (int64_t d : {0, 1, -1, 63, -64, 64, -65, 8191, -8192, 8192, -8193, 1 << 20, -(1 << 20)}) {
    out.push_back({uint64_t(100000 + d), 1700000000000 - d, double(d)});
  }
  return out;
}

TEST(RecordTest, SamplesDeltasOfEveryVarintLengthRoundTrip) {
  std::string rec;
  EncodeSamples(VarintLengthSamples(), &rec);
  Decoder dec;
  std::vector<RefSample> out;
  ASSERT_TRUE(dec.Samples(rec, &out).ok());
  ExpectSamplesEq(out, VarintLengthSamples());
}

TEST(RecordTest, EveryTruncationIsDataLossOrAnEntryBoundary) {
  Decoder dec;
  for (const std::vector<RefSample>& samples : {VarintLengthSamples(), EdgeSamples()}) {
    CheckEveryTruncation<RefSample>(
        samples, EncodeSamples,
        [&](std::string_view r, std::vector<RefSample>* o) { return dec.Samples(r, o); },
        [](const RefSample& a, const RefSample& b) {
          return a.ref == b.ref && a.t == b.t && Bits(a.v) == Bits(b.v);
        },
        17);
  }
  std::vector<RefSeries> series = {{1, labels::Labels{{"__name__", "a"}, {"b", "c"}}},
                                   {2, labels::Labels{{"x", std::string(200, 'y')}}}};
  CheckEveryTruncation<RefSeries>(
      series, EncodeSeries,
      [&](std::string_view r, std::vector<RefSeries>* o) { return dec.Series(r, o); },
      std::equal_to<RefSeries>());
  CheckEveryTruncation<Stone>(
      {{1, -1, 1}, {2, 1LL << 40, 1LL << 41}}, EncodeTombstones,
      [&](std::string_view r, std::vector<Stone>* o) { return dec.Tombstones(r, o); },
      std::equal_to<Stone>());
  CheckEveryTruncation<RefMmapMarker>(
      {{1, 0}, {2, 3}}, EncodeMmapMarkers,
      [&](std::string_view r, std::vector<RefMmapMarker>* o) { return dec.MmapMarkers(r, o); },
      std::equal_to<RefMmapMarker>());
  CheckEveryTruncation<RefMetadata>(
      {{1, 1, "s", "help"}, {2, 2, "", "x"}}, EncodeMetadata,
      [&](std::string_view r, std::vector<RefMetadata>* o) { return dec.Metadata(r, o); },
      std::equal_to<RefMetadata>());
  CheckEveryTruncation<RefExemplar>(
      {{1, 5, 1.0, labels::Labels{{"t", "1"}}}, {2, 4, 2.0, labels::Labels{}}}, EncodeExemplars,
      [&](std::string_view r, std::vector<RefExemplar>* o) { return dec.Exemplars(r, o); },
      [](const RefExemplar& a, const RefExemplar& b) {
        return a.ref == b.ref && a.t == b.t && a.labels == b.labels;
      },
      17);
}

// Random bytes behind each type byte: decoding must return (OK or DataLoss), never crash or hang.
TEST(RecordTest, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(7);
  Decoder dec;
  std::vector<RefSeries> series;
  std::vector<RefSample> samples;
  std::vector<Stone> stones;
  std::vector<RefExemplar> exemplars;
  std::vector<RefMmapMarker> markers;
  std::vector<RefMetadata> metadata;
  for (int iter = 0; iter < 20000; iter++) {
    std::string rec(1 + rng() % 64, '\0');
    for (char& c : rec) c = static_cast<char>(rng());
    // Small values make lengths and counts plausible more often.
    if (iter % 2 == 0) {
      for (char& c : rec) c = static_cast<char>(static_cast<uint8_t>(c) % 8);
    }
    for (int type = 1; type <= 6; type++) {
      rec[0] = static_cast<char>(type);
      absl::Status s;
      switch (type) {
        case 1:
          s = dec.Series(rec, &series);
          break;
        case 2:
          s = dec.Samples(rec, &samples);
          break;
        case 3:
          s = dec.Tombstones(rec, &stones);
          break;
        case 4:
          s = dec.Exemplars(rec, &exemplars);
          break;
        case 5:
          s = dec.MmapMarkers(rec, &markers);
          break;
        case 6:
          s = dec.Metadata(rec, &metadata);
          break;
      }
      EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kDataLoss) << s;
    }
  }
}

}  // namespace
}  // namespace strata::tsdb::record
