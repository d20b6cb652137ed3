// The Prometheus remote-write 1.0 request (protobuf message prometheus.WriteRequest) as owning
// C++ values, for code that builds requests: the load generator in bench/ and tests.
//
// The receive path does not use these types: it decodes into WriteRequestView (decode.h), which
// borrows its strings from the request body instead of copying them.
#ifndef STRATA_PROMPB_WRITE_REQUEST_H_
#define STRATA_PROMPB_WRITE_REQUEST_H_

#include <cstdint>
#include <string>
#include <vector>

namespace strata::prompb {

// MetricMetadata.type. A proto3 enum is open: a newer sender may send values not listed here,
// and they are kept as they came (any int32).
enum class MetricType : int32_t {
  kUnknown = 0,
  kCounter = 1,
  kGauge = 2,
  kHistogram = 3,
  kGaugeHistogram = 4,
  kSummary = 5,
  kInfo = 6,
  kStateSet = 7,
};

// One float sample. Used by both the owning request and the view: it holds no pointers. The
// value's bits are kept exactly (a staleness marker is a particular NaN).
struct Sample {
  double value = 0;
  int64_t timestamp_ms = 0;
};

struct Label {
  std::string name;
  std::string value;
};

struct Exemplar {
  std::vector<Label> labels;
  double value = 0;
  int64_t timestamp_ms = 0;
};

// Labels are kept in the order given; nothing here sorts or validates them.
struct TimeSeries {
  std::vector<Label> labels;
  std::vector<Sample> samples;
  std::vector<Exemplar> exemplars;
  // Native histograms, each an already-encoded prometheus.Histogram message (without its field
  // key and length). Strata does not model histograms yet; the encoder writes these verbatim.
  std::vector<std::string> histograms;
};

struct MetricMetadata {
  MetricType type = MetricType::kUnknown;
  std::string metric_family_name;
  std::string help;
  std::string unit;
};

struct WriteRequest {
  std::vector<TimeSeries> timeseries;
  std::vector<MetricMetadata> metadata;
};

}  // namespace strata::prompb

#endif  // STRATA_PROMPB_WRITE_REQUEST_H_
