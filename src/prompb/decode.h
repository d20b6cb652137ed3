// Decoding a Prometheus remote-write 1.0 request body (protobuf prometheus.WriteRequest, after
// snappy decompression: compression.h) without copying its strings.
//
// The decoded request is a WriteRequestView: flat arrays of labels, samples, exemplars,
// histograms and metadata, with each time series holding index ranges into them. Strings are
// std::string_views into the body. Reusing one view across requests makes decoding allocate
// nothing once its vectors have grown to the largest request seen (Clear() keeps capacity).
//
// Strictness: the decoder accepts everything a protobuf parser must accept (fields in any
// order, repeated fields interleaved, a scalar field repeated (the last wins), non-minimal
// varints, unknown fields of every wire type including packed ones and groups nested up to 100
// deep) and rejects with InvalidArgument anything malformed: truncated input, a length beyond
// its enclosing message, field number 0 or above 2^29-1, wire types 6 and 7, an unmatched
// end-group, a varint longer than 10 bytes or above 2^64-1, and a known field sent with the
// wrong wire type. (libprotobuf drops the excess bits of an overlong key or varint and files a
// field of the wrong wire type as unknown; a sender doing that is broken, and an error serves
// the user better.)
// Remote write 1.0 has no repeated scalar field outside Histogram, so the packed encoding never
// applies to a field read here. A histogram is checked only at its top level: its spans and
// deltas are not read. The decoder does not check UTF-8, label-name syntax, sorting or
// duplicates: that is validation, done later (in the distributor) where the errors can be
// reported per series. fuzz_test.cc checks all of this against libprotobuf.
//
// Memory: every element the view stores costs at least two bytes of body (a key and a length)
// and at most 56 bytes of view (a MetricMetadataView), so the view never holds more than
// 28 × body.size() bytes (twice that while a vector grows): no request makes the decoder
// allocate in proportion to a length it claims but does not contain.
#ifndef STRATA_PROMPB_DECODE_H_
#define STRATA_PROMPB_DECODE_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "labels/labels.h"
#include "prompb/write_request.h"

namespace strata::prompb {

// Indices [begin, end) into one of WriteRequestView's flat arrays.
struct Range {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
  bool empty() const { return begin == end; }
};

struct TimeSeriesView {
  Range labels;      // into WriteRequestView::labels, in the order sent
  Range samples;     // into WriteRequestView::samples
  Range exemplars;   // into WriteRequestView::exemplars
  Range histograms;  // into WriteRequestView::histograms
};

struct ExemplarView {
  Range labels;  // into WriteRequestView::exemplar_labels
  double value = 0;
  int64_t timestamp_ms = 0;
};

struct MetricMetadataView {
  MetricType type = MetricType::kUnknown;
  std::string_view metric_family_name;
  std::string_view help;
  std::string_view unit;
};

// A decoded request. Every string_view points into the body passed to DecodeWriteRequest:
// REQUIRES that body to outlive the view's contents (until the next Clear() or decode).
// Filled only by DecodeWriteRequest; callers read it. Not thread-safe; one per handler thread.
struct WriteRequestView {
  std::vector<TimeSeriesView> timeseries;
  std::vector<labels::Label> labels;           // series labels, all series back to back
  std::vector<Sample> samples;                 // all series back to back
  std::vector<ExemplarView> exemplars;         // all series back to back
  std::vector<labels::Label> exemplar_labels;  // all exemplars back to back
  // Native histograms, each the bytes of one encoded prometheus.Histogram message. Checked only
  // for being well-formed protobuf; Strata does not store native histograms yet.
  std::vector<std::string_view> histograms;
  std::vector<MetricMetadataView> metadata;

  // Empties every array, keeping their capacity.
  void Clear();

  std::span<const labels::Label> LabelsOf(const TimeSeriesView& ts) const {
    return Slice(labels, ts.labels);
  }
  std::span<const Sample> SamplesOf(const TimeSeriesView& ts) const {
    return Slice(samples, ts.samples);
  }
  std::span<const ExemplarView> ExemplarsOf(const TimeSeriesView& ts) const {
    return Slice(exemplars, ts.exemplars);
  }
  std::span<const std::string_view> HistogramsOf(const TimeSeriesView& ts) const {
    return Slice(histograms, ts.histograms);
  }
  std::span<const labels::Label> LabelsOf(const ExemplarView& e) const {
    return Slice(exemplar_labels, e.labels);
  }

 private:
  template <typename T>
  static std::span<const T> Slice(const std::vector<T>& v, Range r) {
    return std::span<const T>(v.data() + r.begin, r.size());
  }
};

// Decodes `body` (an uncompressed prometheus.WriteRequest) into `*out`, which is cleared first.
// On error, returns InvalidArgument naming the element and the byte offset in `body`, e.g.
// "timeseries[3]: samples[0]: field 1 has wire type length-delimited, want 64-bit (offset 912)",
// and leaves `*out` in an unspecified but valid state. Also InvalidArgument if body is 4 GiB or
// larger (ranges are 32-bit). Never crashes on any input.
// REQUIRES: `body` outlives the string_views stored in `*out`.
absl::Status DecodeWriteRequest(std::string_view body, WriteRequestView* out);

// Copies a view into an owning request (tests, tools; not for the hot path).
WriteRequest ToWriteRequest(const WriteRequestView& view);

}  // namespace strata::prompb

#endif  // STRATA_PROMPB_DECODE_H_
