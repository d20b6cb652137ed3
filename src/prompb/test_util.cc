#include "prompb/test_util.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <vector>

#include "prompb/wire.h"

namespace {

thread_local int alloc_counting = 0;
thread_local size_t alloc_count = 0;
thread_local size_t alloc_largest = 0;

}  // namespace

// TSan's runtime owns operator new and does not link with a replacement: there the counters stay
// at zero (see AllocationCounter).
#if defined(__SANITIZE_THREAD__)
#define STRATA_COUNT_ALLOCATIONS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRATA_COUNT_ALLOCATIONS 0
#endif
#endif
#ifndef STRATA_COUNT_ALLOCATIONS
#define STRATA_COUNT_ALLOCATIONS 1
#endif

#if STRATA_COUNT_ALLOCATIONS
// Counting replacements of the global allocation functions (the array and nothrow forms call
// these by default).
void* operator new(size_t n) {
  if (alloc_counting > 0) {
    alloc_count++;
    if (n > alloc_largest) alloc_largest = n;
  }
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#endif  // STRATA_COUNT_ALLOCATIONS

namespace strata::prompb::testing {
namespace {

using Rng = std::mt19937_64;

size_t Uniform(Rng& rng, size_t lo, size_t hi) {
  return std::uniform_int_distribution<size_t>(lo, hi)(rng);
}

std::string RandomString(Rng& rng) {
  using std::string_view_literals::operator""sv;
  static constexpr std::string_view kPool[] = {
      "",          "__name__", "job",           "instance", "http_requests_total", "le",
      "0.5",       "+Inf",     "10.0.0.1:9100", "μs",       "日本語のラベル",      "🔥🚀",
      "a\"b\\c\n", "x y",      "nul\0inside"sv,
  };
  const size_t pick = Uniform(rng, 0, std::size(kPool));
  if (pick < std::size(kPool)) return std::string(kPool[pick]);
  // Long strings need a two-byte length varint; now and then a three-byte one.
  std::string s(Uniform(rng, 0, 40) == 0 ? 16500 : Uniform(rng, 128, 400), 'x');
  for (char& c : s) c = static_cast<char>('a' + Uniform(rng, 0, 25));
  return s;
}

double RandomDouble(Rng& rng) {
  switch (Uniform(rng, 0, 11)) {
    case 0:
      return 0.0;
    case 1:
      return -0.0;
    case 2:
      return std::numeric_limits<double>::quiet_NaN();
    case 3:
      return wire::BitsDouble(0x7ff0000000000002);  // Prometheus's staleness marker
    case 4:
      return std::numeric_limits<double>::infinity();
    case 5:
      return -std::numeric_limits<double>::infinity();
    case 6:
      return std::numeric_limits<double>::denorm_min();
    case 7:
      return std::numeric_limits<double>::max();
    case 8:
      return static_cast<double>(Uniform(rng, 0, 1000));
    default:
      return std::uniform_real_distribution<double>(-1e12, 1e12)(rng);
  }
}

int64_t RandomTimestamp(Rng& rng) {
  switch (Uniform(rng, 0, 5)) {
    case 0:
      return 0;
    case 1:
      return std::numeric_limits<int64_t>::min();
    case 2:
      return std::numeric_limits<int64_t>::max();
    case 3:
      return -static_cast<int64_t>(Uniform(rng, 1, 1'000'000'000'000));
    default:
      return 1'700'000'000'000 + static_cast<int64_t>(Uniform(rng, 0, 100'000'000));
  }
}

void FillLabel(Rng& rng, prompb_test::Label* l) {
  l->set_name(RandomString(rng));
  l->set_value(RandomString(rng));
}

void FillHistogram(Rng& rng, prompb_test::Histogram* h) {
  if (Uniform(rng, 0, 1) == 0) {
    h->set_count_int(Uniform(rng, 0, 1 << 20));
  } else {
    h->set_count_float(RandomDouble(rng));
  }
  h->set_sum(RandomDouble(rng));
  h->set_schema(static_cast<int32_t>(Uniform(rng, 0, 16)) - 8);
  h->set_zero_threshold(1e-128);
  h->set_zero_count_int(Uniform(rng, 0, 10));
  for (size_t i = Uniform(rng, 0, 3); i > 0; i--) {
    prompb_test::BucketSpan* span = h->add_positive_spans();
    span->set_offset(static_cast<int32_t>(Uniform(rng, 0, 10)) - 5);
    span->set_length(static_cast<uint32_t>(Uniform(rng, 1, 4)));
    h->add_positive_deltas(static_cast<int64_t>(Uniform(rng, 0, 20)) - 10);
  }
  h->set_timestamp(RandomTimestamp(rng));
}

void FillSeries(Rng& rng, prompb_test::TimeSeries* ts) {
  for (size_t i = Uniform(rng, 0, 15); i > 0; i--) FillLabel(rng, ts->add_labels());
  for (size_t i = Uniform(rng, 0, 5); i > 0; i--) {
    prompb_test::Sample* s = ts->add_samples();
    s->set_value(RandomDouble(rng));
    s->set_timestamp(RandomTimestamp(rng));
  }
  for (size_t i = Uniform(rng, 0, 4) / 2; i > 0; i--) {
    prompb_test::Exemplar* e = ts->add_exemplars();
    for (size_t j = Uniform(rng, 0, 3); j > 0; j--) FillLabel(rng, e->add_labels());
    e->set_value(RandomDouble(rng));
    e->set_timestamp(RandomTimestamp(rng));
  }
  for (size_t i = Uniform(rng, 0, 5) / 4; i > 0; i--) FillHistogram(rng, ts->add_histograms());
}

void FillMetadata(Rng& rng, prompb_test::MetricMetadata* m) {
  static const int kTypes[] = {0, 1, 2, 3, 4, 5, 6, 7, 42, -1, std::numeric_limits<int>::min()};
  m->set_type(static_cast<prompb_test::MetricMetadata::MetricType>(
      kTypes[Uniform(rng, 0, std::size(kTypes) - 1)]));
  m->set_metric_family_name(RandomString(rng));
  m->set_help(RandomString(rng));
  m->set_unit(RandomString(rng));
}

std::vector<Label> LabelsFromProto(
    const google::protobuf::RepeatedPtrField<prompb_test::Label>& in) {
  std::vector<Label> out;
  for (const prompb_test::Label& l : in) out.push_back({l.name(), l.value()});
  return out;
}

template <typename ProtoLabels>
::testing::AssertionResult LabelsMatch(std::span<const labels::Label> got,
                                       const ProtoLabels& want) {
  if (got.size() != static_cast<size_t>(want.size())) {
    return ::testing::AssertionFailure() << got.size() << " labels, want " << want.size();
  }
  for (size_t i = 0; i < got.size(); i++) {
    if (got[i].name != want[i].name() || got[i].value != want[i].value()) {
      return ::testing::AssertionFailure()
             << "label " << i << " is {" << got[i].name << ", " << got[i].value << "}, want {"
             << want[i].name() << ", " << want[i].value() << "}";
    }
  }
  return ::testing::AssertionSuccess();
}

bool SameBits(double a, double b) { return wire::DoubleBits(a) == wire::DoubleBits(b); }

std::string HistogramBytes(const prompb_test::Histogram& h) { return h.SerializeAsString(); }
const std::string& HistogramBytes(const std::string& h) { return h; }

template <typename ProtoSeries>
::testing::AssertionResult SeriesMatch(const WriteRequestView& view, const TimeSeriesView& got,
                                       const ProtoSeries& want) {
  if (auto r = LabelsMatch(view.LabelsOf(got), want.labels()); !r) return r << " (labels)";
  std::span<const Sample> samples = view.SamplesOf(got);
  if (samples.size() != static_cast<size_t>(want.samples_size())) {
    return ::testing::AssertionFailure()
           << samples.size() << " samples, want " << want.samples_size();
  }
  for (size_t i = 0; i < samples.size(); i++) {
    if (!SameBits(samples[i].value, want.samples(i).value()) ||
        samples[i].timestamp_ms != want.samples(i).timestamp()) {
      return ::testing::AssertionFailure() << "sample " << i << " differs";
    }
  }
  std::span<const ExemplarView> exemplars = view.ExemplarsOf(got);
  if (exemplars.size() != static_cast<size_t>(want.exemplars_size())) {
    return ::testing::AssertionFailure() << exemplars.size() << " exemplars";
  }
  for (size_t i = 0; i < exemplars.size(); i++) {
    const auto& e = want.exemplars(i);
    if (auto r = LabelsMatch(view.LabelsOf(exemplars[i]), e.labels()); !r) {
      return r << " (exemplar " << i << ")";
    }
    if (!SameBits(exemplars[i].value, e.value()) || exemplars[i].timestamp_ms != e.timestamp()) {
      return ::testing::AssertionFailure() << "exemplar " << i << " differs";
    }
  }
  std::span<const std::string_view> histograms = view.HistogramsOf(got);
  if (histograms.size() != static_cast<size_t>(want.histograms_size())) {
    return ::testing::AssertionFailure() << histograms.size() << " histograms";
  }
  for (size_t i = 0; i < histograms.size(); i++) {
    if (histograms[i] != HistogramBytes(want.histograms(i))) {
      return ::testing::AssertionFailure() << "histogram " << i << " bytes differ";
    }
  }
  return ::testing::AssertionSuccess();
}

template <typename ProtoMetadata>
::testing::AssertionResult MetadataMatch(const MetricMetadataView& got, const ProtoMetadata& want) {
  if (static_cast<int32_t>(got.type) != static_cast<int32_t>(want.type()) ||
      got.metric_family_name != want.metric_family_name() || got.help != want.help() ||
      got.unit != want.unit()) {
    return ::testing::AssertionFailure() << "metadata differs: " << want.ShortDebugString();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

prompb_test::WriteRequest RandomProtoRequest(Rng& rng) {
  prompb_test::WriteRequest req;
  for (size_t i = Uniform(rng, 0, 20); i > 0; i--) FillSeries(rng, req.add_timeseries());
  for (size_t i = Uniform(rng, 0, 6) / 2; i > 0; i--) FillMetadata(rng, req.add_metadata());
  return req;
}

WriteRequest FromProto(const prompb_test::WriteRequest& proto) {
  WriteRequest req;
  for (const prompb_test::TimeSeries& pts : proto.timeseries()) {
    TimeSeries& ts = req.timeseries.emplace_back();
    ts.labels = LabelsFromProto(pts.labels());
    for (const prompb_test::Sample& s : pts.samples()) {
      ts.samples.push_back({s.value(), s.timestamp()});
    }
    for (const prompb_test::Exemplar& e : pts.exemplars()) {
      ts.exemplars.push_back({LabelsFromProto(e.labels()), e.value(), e.timestamp()});
    }
    for (const prompb_test::Histogram& h : pts.histograms()) {
      ts.histograms.push_back(h.SerializeAsString());
    }
  }
  for (const prompb_test::MetricMetadata& m : proto.metadata()) {
    req.metadata.push_back(
        {static_cast<MetricType>(m.type()), m.metric_family_name(), m.help(), m.unit()});
  }
  return req;
}

namespace {

template <typename ProtoRequest>
::testing::AssertionResult RequestMatches(const WriteRequestView& view, const ProtoRequest& proto) {
  if (view.timeseries.size() != static_cast<size_t>(proto.timeseries_size())) {
    return ::testing::AssertionFailure()
           << view.timeseries.size() << " series, want " << proto.timeseries_size();
  }
  for (size_t i = 0; i < view.timeseries.size(); i++) {
    if (auto r = SeriesMatch(view, view.timeseries[i], proto.timeseries(i)); !r) {
      return r << " in series " << i;
    }
  }
  if (view.metadata.size() != static_cast<size_t>(proto.metadata_size())) {
    return ::testing::AssertionFailure() << view.metadata.size() << " metadata";
  }
  for (size_t i = 0; i < view.metadata.size(); i++) {
    if (auto r = MetadataMatch(view.metadata[i], proto.metadata(i)); !r) return r;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

::testing::AssertionResult ViewMatchesProto(const WriteRequestView& view,
                                            const prompb_test::WriteRequest& proto) {
  return RequestMatches(view, proto);
}

::testing::AssertionResult ViewMatchesProto(const WriteRequestView& view,
                                            const prompb_test::LenientWriteRequest& proto) {
  return RequestMatches(view, proto);
}

AllocationCounter::AllocationCounter() {
  alloc_counting++;
  alloc_count = 0;
  alloc_largest = 0;
}
AllocationCounter::~AllocationCounter() { alloc_counting--; }
size_t AllocationCounter::count() const { return alloc_count; }
size_t AllocationCounter::largest_bytes() const { return alloc_largest; }

}  // namespace strata::prompb::testing
