#include "prompb/decode.h"

#include <sys/mman.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prompb/encode.h"
#include "prompb/test_util.h"
#include "prompb/wire.h"
#include "src/prompb/testdata/remote_write.pb.h"
#include "util/coding.h"

namespace strata::prompb {
namespace {

using testing::AllocationCounter;
using testing::FromProto;
using ::testing::HasSubstr;
using testing::RandomProtoRequest;
using testing::ViewMatchesProto;

// Raw protobuf building blocks for hand-made bodies.
std::string Key(uint32_t number, uint32_t wire_type) {
  std::string s;
  PutUvarint(&s, (uint64_t{number} << 3) | wire_type);
  return s;
}
std::string Len(uint32_t number, std::string_view payload) {
  std::string s = Key(number, 2);
  PutUvarint(&s, payload.size());
  s.append(payload);
  return s;
}
std::string Varint(uint32_t number, uint64_t v) {
  std::string s = Key(number, 0);
  PutUvarint(&s, v);
  return s;
}
std::string Fixed64(uint32_t number, double v) {
  std::string s = Key(number, 1);
  char b[8];
  wire::StoreLE64(wire::DoubleBits(v), b);
  s.append(b, 8);
  return s;
}
std::string LabelMsg(std::string_view name, std::string_view value) {
  return Len(1, name) + Len(2, value);
}

// Decodes `body` with both decoders and expects the same result.
void ExpectSameAsLibprotobuf(const std::string& body) {
  prompb_test::WriteRequest proto;
  ASSERT_TRUE(proto.ParseFromString(body));
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  EXPECT_TRUE(ViewMatchesProto(view, proto));
}

TEST(DecodeTest, RandomRequestsMatchLibprotobuf) {
  std::mt19937_64 rng(1);
  WriteRequestView view;  // reused: every decode must clear what the previous one left
  size_t samples = 0;
  for (int i = 0; i < 400; i++) {
    SCOPED_TRACE(i);
    prompb_test::WriteRequest proto = RandomProtoRequest(rng);
    const std::string body = proto.SerializeAsString();
    ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
    ASSERT_TRUE(ViewMatchesProto(view, proto));
    samples += view.samples.size();
  }
  EXPECT_GT(samples, 10000u);
}

TEST(DecodeTest, EmptyBodyIsAnEmptyRequest) {
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest("", &view).ok());
  EXPECT_TRUE(view.timeseries.empty());
  EXPECT_TRUE(view.metadata.empty());
}

TEST(DecodeTest, ValuesOfOneSeries) {
  const std::string body =
      Len(1, Len(1, LabelMsg("__name__", "up")) + Len(1, LabelMsg("job", "")) +
                 Len(2, Fixed64(1, 1.5) + Varint(2, 1700000000123)) + Len(2, "")) +
      Len(3, Varint(1, 1) + Len(2, "up") + Len(4, "1 if up") + Len(5, "bool"));
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  ASSERT_EQ(view.timeseries.size(), 1u);
  EXPECT_THAT(view.LabelsOf(view.timeseries[0]),
              ::testing::ElementsAre(labels::Label{"__name__", "up"}, labels::Label{"job", ""}));
  std::span<const Sample> samples = view.SamplesOf(view.timeseries[0]);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].value, 1.5);
  EXPECT_EQ(samples[0].timestamp_ms, 1700000000123);
  EXPECT_EQ(samples[1].value, 0.0);  // an empty Sample is all defaults
  EXPECT_EQ(samples[1].timestamp_ms, 0);
  ASSERT_EQ(view.metadata.size(), 1u);
  EXPECT_EQ(view.metadata[0].type, MetricType::kCounter);
  EXPECT_EQ(view.metadata[0].metric_family_name, "up");
  EXPECT_EQ(view.metadata[0].help, "1 if up");
  EXPECT_EQ(view.metadata[0].unit, "bool");
  // Zero copy: the strings point into the body.
  const std::string_view name = view.labels[0].name;
  EXPECT_GE(name.data(), body.data());
  EXPECT_LE(name.data() + name.size(), body.data() + body.size());
}

TEST(DecodeTest, LabelOrderAndDuplicatesAreKeptAsSent) {
  const std::string body =
      Len(1, Len(1, LabelMsg("z", "1")) + Len(1, LabelMsg("a", "2")) + Len(1, LabelMsg("a", "3")));
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  EXPECT_THAT(view.LabelsOf(view.timeseries[0]),
              ::testing::ElementsAre(labels::Label{"z", "1"}, labels::Label{"a", "2"},
                                     labels::Label{"a", "3"}));
}

TEST(DecodeTest, FieldsFromANewerSenderAreSkipped) {
  std::mt19937_64 rng(2);
  for (int i = 0; i < 50; i++) {
    prompb_test::WriteRequest want = RandomProtoRequest(rng);
    prompb_test::FutureWriteRequest future;
    future.set_unknown_string("field 2 is reserved");
    future.set_unknown_fixed32(7);
    future.add_unknown_packed(1);
    future.add_unknown_packed(300);
    for (const prompb_test::TimeSeries& ts : want.timeseries()) {
      prompb_test::FutureTimeSeries* fts = future.add_timeseries();
      for (const prompb_test::Label& l : ts.labels()) {
        prompb_test::FutureLabel* fl = fts->add_labels();
        fl->set_name(l.name());
        fl->set_value(l.value());
        fl->set_unknown_bytes("\xff\x00\x01");
      }
      for (const prompb_test::Sample& s : ts.samples()) {
        prompb_test::FutureSample* fs = fts->add_samples();
        fs->set_value(s.value());
        fs->set_timestamp(s.timestamp());
        fs->set_unknown_start_timestamp(-5);
        fs->set_unknown_float(2.5f);
      }
      *fts->mutable_exemplars() = ts.exemplars();
      *fts->mutable_histograms() = ts.histograms();
      fts->add_unknown_messages()->set_name("x");
      fts->set_unknown_fixed64(-1);
      fts->set_unknown_varint(UINT64_MAX);
    }
    *future.mutable_metadata() = want.metadata();
    const std::string body = future.SerializeAsString();
    WriteRequestView view;
    ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
    EXPECT_TRUE(ViewMatchesProto(view, want));
  }
}

TEST(DecodeTest, InterleavedFieldsKeepEachSeriesContiguous) {
  const std::string exemplar = Len(1, LabelMsg("trace_id", "abc")) + Fixed64(2, 2.0);
  const std::string series = Len(1, LabelMsg("b", "1")) + Len(2, Fixed64(1, 1.0)) +
                             Len(3, exemplar) + Len(1, LabelMsg("a", "2")) + Len(4, Varint(1, 3)) +
                             Len(2, Varint(2, 9)) + Len(1, LabelMsg("c", "3"));
  const std::string body = Len(1, series) + Len(3, Len(2, "m")) + Len(1, series);
  ExpectSameAsLibprotobuf(body);
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  ASSERT_EQ(view.timeseries.size(), 2u);
  const TimeSeriesView& ts = view.timeseries[1];
  EXPECT_EQ(ts.labels.begin, 3u);
  EXPECT_EQ(ts.labels.size(), 3u);
  EXPECT_EQ(ts.samples.begin, 2u);
  EXPECT_EQ(ts.samples.size(), 2u);
  EXPECT_EQ(view.LabelsOf(view.ExemplarsOf(ts)[0])[0].value, "abc");
  EXPECT_EQ(view.HistogramsOf(ts)[0], Varint(1, 3));
}

TEST(DecodeTest, RepeatedScalarFieldLastOneWins) {
  const std::string label = Len(1, "first") + Len(2, "v1") + Len(1, "second");
  const std::string sample = Fixed64(1, 1.0) + Varint(2, 5) + Fixed64(1, 2.0) + Varint(2, 6);
  const std::string meta = Varint(1, 2) + Varint(1, 5) + Len(5, "a") + Len(5, "b");
  const std::string body = Len(1, Len(1, label) + Len(2, sample)) + Len(3, meta);
  ExpectSameAsLibprotobuf(body);
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  EXPECT_EQ(view.labels[0].name, "second");
  EXPECT_EQ(view.samples[0].value, 2.0);
  EXPECT_EQ(view.samples[0].timestamp_ms, 6);
  EXPECT_EQ(view.metadata[0].type, MetricType::kSummary);
  EXPECT_EQ(view.metadata[0].unit, "b");
}

TEST(DecodeTest, NonMinimalVarintsAreAccepted) {
  // Timestamp 1 in four bytes; a label whose length 3 takes two bytes; a ten-byte varint with
  // the top bit set (a negative timestamp).
  const std::string sample = Key(2, 0) + std::string("\x81\x80\x80\x00", 4);
  const std::string label = Key(1, 2) + std::string("\x83\x00", 2) + "abc";
  const std::string negative = Key(2, 0) + std::string(9, '\xff') + std::string("\x01", 1);
  const std::string body = Len(1, Len(1, label) + Len(2, sample) + Len(2, negative));
  ExpectSameAsLibprotobuf(body);
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  EXPECT_EQ(view.labels[0].name, "abc");
  EXPECT_EQ(view.samples[0].timestamp_ms, 1);
  EXPECT_EQ(view.samples[1].timestamp_ms, -1);
}

TEST(DecodeTest, UnknownGroupsAreSkipped) {
  // Field 9 as a group holding a varint, a nested group 10 and a string.
  const std::string group = Key(9, 3) + Varint(1, 7) + Key(10, 3) + Fixed64(1, 1.0) + Key(10, 4) +
                            Len(2, "in group") + Key(9, 4);
  const std::string body = group + Len(1, group + Len(1, group + LabelMsg("a", "b")) + group);
  ExpectSameAsLibprotobuf(body);
}

TEST(DecodeTest, GroupsNestedOneHundredDeepAreSkipped) {
  std::string body;
  for (int i = 0; i < 100; i++) body += Key(9, 3);
  for (int i = 0; i < 100; i++) body += Key(9, 4);
  WriteRequestView view;
  EXPECT_TRUE(DecodeWriteRequest(body, &view).ok());
  body = Key(9, 3) + body + Key(9, 4);
  EXPECT_EQ(DecodeWriteRequest(body, &view).message(),
            "groups nested deeper than 100 (offset 100)");
}

struct ErrorCase {
  const char* name;
  std::string body;
  std::string message;
};

TEST(DecodeTest, MalformedInputIsInvalidArgumentNamingTheElement) {
  const std::string kLabel = Len(1, LabelMsg("a", "b"));  // 8 bytes
  const std::string kSeries = Len(1, kLabel);             // 10 bytes
  const std::vector<ErrorCase> cases = {
      {"series as varint", Varint(1, 1),
       "field 1 (timeseries) has wire type varint, want length-delimited (offset 0)"},
      {"value as varint", Len(1, Len(2, Varint(1, 1))),
       "timeseries[0]: samples[0]: field 1 (value) has wire type varint, want 64-bit (offset 4)"},
      {"timestamp as 64-bit", kSeries + Len(1, Len(2, "") + Len(2, Fixed64(2, 1.0))),
       "timeseries[1]: samples[1]: field 2 (timestamp) has wire type 64-bit, want varint "
       "(offset 16)"},
      {"label name as 32-bit", Len(1, kLabel + Len(1, Key(1, 5) + "abcd")),
       "timeseries[0]: labels[1]: field 1 (name) has wire type 32-bit, want length-delimited "
       "(offset 12)"},
      {"exemplar label", Len(1, Len(3, Len(1, Varint(2, 1)))),
       "timeseries[0]: exemplars[0]: labels[0]: field 2 (value) has wire type varint, want "
       "length-delimited (offset 6)"},
      {"exemplar timestamp", Len(1, Len(3, Len(3, "x"))),
       "timeseries[0]: exemplars[0]: field 3 (timestamp) has wire type length-delimited, want "
       "varint (offset 4)"},
      {"metadata type", Len(3, Len(1, "")),
       "metadata[0]: field 1 (type) has wire type length-delimited, want varint (offset 2)"},
      {"metadata help", Len(3, "") + Len(3, Varint(4, 1)),
       "metadata[1]: field 4 (help) has wire type varint, want length-delimited (offset 4)"},
      {"histograms as varint", Len(1, Varint(4, 1)),
       "timeseries[0]: field 4 (histograms) has wire type varint, want length-delimited "
       "(offset 2)"},
      {"malformed histogram", Len(1, Len(4, "") + Len(4, Key(1, 7))),
       "timeseries[0]: histograms[1]: invalid wire type 7 of field 1 (offset 6)"},
      {"length beyond body", Key(1, 2) + "\x05" + "ab",
       "length 5 of field 1 exceeds the 2 bytes left in its message (offset 0)"},
      {"nested length beyond parent", Len(1, Key(1, 2) + "\x05" + "a") + "xxxxxxxx",
       "timeseries[0]: length 5 of field 1 exceeds the 1 bytes left in its message (offset 2)"},
      {"huge length", Key(1, 2) + std::string(9, '\xff') + "\x01",
       "length 18446744073709551615 of field 1 exceeds the 0 bytes left in its message "
       "(offset 0)"},
      {"truncated key", "\x80", "truncated field key (offset 0)"},
      {"truncated length", kSeries + Key(1, 2) + "\x80\x80",
       "truncated length of field 1 (offset 10)"},
      {"truncated varint", Len(1, Len(2, Key(2, 0) + "\xff")),
       "timeseries[0]: samples[0]: truncated varint of field 2 (offset 4)"},
      {"truncated double", Len(1, Len(2, Key(1, 1) + "abc")),
       "timeseries[0]: samples[0]: truncated 64-bit value of field 1: needs 8 bytes, 3 left "
       "(offset 4)"},
      {"truncated 32-bit", Key(3000, 5) + "ab",
       "truncated 32-bit value of field 3000: needs 4 bytes, 2 left (offset 0)"},
      {"varint overflow", Len(1, Len(2, Key(2, 0) + std::string(9, '\xff') + "\x02")),
       "timeseries[0]: samples[0]: varint of field 2 is longer than 10 bytes or overflows 64 "
       "bits (offset 4)"},
      {"eleven-byte varint", Len(1, Len(2, Key(2, 0) + std::string(10, '\x80') + "\x00")),
       "timeseries[0]: samples[0]: varint of field 2 is longer than 10 bytes or overflows 64 "
       "bits (offset 4)"},
      {"key too long", std::string(11, '\x80'),
       "field key is longer than 10 bytes or overflows 64 bits (offset 0)"},
      {"field number 0", std::string("\x02\x00", 2), "invalid field number 0 (offset 0)"},
      {"field number too large", std::string("\x80\x80\x80\x80\x10", 5),
       "field number 536870912 exceeds the maximum of 536870911 (offset 0)"},
      {"wire type 6", kSeries + Key(5, 6), "invalid wire type 6 of field 5 (offset 10)"},
      {"wire type 7", Key(1, 7), "invalid wire type 7 of field 1 (offset 0)"},
      {"lone end-group", Key(1, 4), "end-group of field 1 without a start-group (offset 0)"},
      {"unclosed group", Key(7, 3) + Varint(1, 1), "group of field 7 is not closed (offset 1)"},
      {"mismatched end-group", Key(7, 3) + Key(8, 4),
       "end-group of field 8 inside the group of field 7 (offset 1)"},
      {"series as group", Key(1, 3) + Key(1, 4),
       "field 1 (timeseries) has wire type start-group, want length-delimited (offset 0)"},
  };
  WriteRequestView view;
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    absl::Status st = DecodeWriteRequest(c.body, &view);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(st.message(), c.message);
  }
}

// Every prefix of a valid body either decodes to exactly what libprotobuf decodes from it (a
// prefix ending between two top-level elements is itself a valid request) or is refused by both.
TEST(DecodeTest, EveryTruncationAgreesWithLibprotobuf) {
  google::protobuf::LogSilencer quiet;  // libprotobuf logs each cut-off UTF-8 sequence
  std::mt19937_64 rng(3);
  WriteRequestView view;
  for (int i = 0; i < 10; i++) {
    std::string body;
    do {
      body = RandomProtoRequest(rng).SerializeAsString();
    } while (body.size() > 10000);
    size_t accepted = 0;
    for (size_t n = 0; n < body.size(); n++) {
      const std::string prefix = body.substr(0, n);
      prompb_test::WriteRequest proto;
      const bool proto_ok = proto.ParseFromString(prefix);
      absl::Status st = DecodeWriteRequest(prefix, &view);
      ASSERT_EQ(st.ok(), proto_ok) << "prefix " << n << ": " << st;
      if (st.ok()) {
        ASSERT_TRUE(ViewMatchesProto(view, proto));
        accepted++;
      } else {
        ASSERT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
      }
    }
    const size_t elements = view.timeseries.size() + view.metadata.size();
    EXPECT_LE(accepted, elements + 1);
  }
}

TEST(DecodeTest, ClaimedLengthsAllocateNothing) {
  const std::string bodies[] = {
      Key(1, 2) + std::string(9, '\xff') + "\x01",
      Key(1, 2) + "\xff\xff\xff\xff\x0f" + "abc",
      Len(1, Key(2, 2) + "\xff\xff\xff\x7f"),
  };
  WriteRequestView view;
  for (const std::string& body : bodies) {
    AllocationCounter allocs;
    EXPECT_EQ(DecodeWriteRequest(body, &view).code(), absl::StatusCode::kInvalidArgument);
    EXPECT_LT(allocs.largest_bytes(), 1024u);  // the error message only
  }
}

// Many empty elements are the worst case for memory per body byte; decode.h promises 28x.
TEST(DecodeTest, ManyEmptyElementsCostBoundedMemory) {
  std::string body;
  for (int i = 0; i < 100000; i++) body += Len(3, "");
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  EXPECT_EQ(view.metadata.size(), 100000u);
  EXPECT_LE(view.metadata.capacity() * sizeof(MetricMetadataView), 2 * 28 * body.size());
  for (int i = 0; i < 100000; i++) body += Len(1, Len(1, ""));
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  EXPECT_EQ(view.labels.size(), 100000u);
  EXPECT_LE(view.labels.capacity() * sizeof(labels::Label), 2 * 28 * body.size());
}

TEST(DecodeTest, SteadyStateDecodeAllocatesNothing) {
  std::mt19937_64 rng(4);
  const std::string big = RandomProtoRequest(rng).SerializeAsString();
  std::string small;
  do {
    small = RandomProtoRequest(rng).SerializeAsString();
  } while (small.size() >= big.size() / 2 || small.empty());
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(big, &view).ok());
  const size_t series_capacity = view.timeseries.capacity();
  const size_t labels_capacity = view.labels.capacity();
  AllocationCounter allocs;
  ASSERT_TRUE(DecodeWriteRequest(small, &view).ok());
  ASSERT_TRUE(DecodeWriteRequest(big, &view).ok());
  EXPECT_EQ(allocs.count(), 0u);
  view.Clear();
  EXPECT_TRUE(view.timeseries.empty());
  EXPECT_TRUE(view.labels.empty());
  EXPECT_EQ(view.timeseries.capacity(), series_capacity);
  EXPECT_EQ(view.labels.capacity(), labels_capacity);
}

TEST(DecodeTest, BodyOf4GiBOrMoreIsRefusedUnread) {
  // A 5 GiB range of inaccessible address space: any read of it would crash the test.
  const size_t size = size_t{5} << 30;
  void* p = mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  WriteRequestView view;
  absl::Status st = DecodeWriteRequest(std::string_view(static_cast<char*>(p), size), &view);
  munmap(p, size);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("5368709120 bytes is too large"));
}

TEST(DecodeTest, ToWriteRequestCopiesEverything) {
  std::mt19937_64 rng(5);
  prompb_test::WriteRequest proto = RandomProtoRequest(rng);
  const std::string body = proto.SerializeAsString();
  WriteRequestView view;
  ASSERT_TRUE(DecodeWriteRequest(body, &view).ok());
  std::string encoded;
  EncodeWriteRequest(ToWriteRequest(view), &encoded);
  EXPECT_EQ(encoded, body);
}

}  // namespace
}  // namespace strata::prompb
