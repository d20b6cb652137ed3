// WAL/WBL record payloads (prometheus-tsdb-formats.md §6.3, §6.4): what a logical record of the
// write-ahead log means. The framing of records into pages and segments is tsdb/wal's business;
// this module only turns typed entries into record bytes and back.
//
// Encoders append one whole record to a caller-provided std::string, so a caller that reuses its
// buffer allocates nothing in steady state. Decoders fill caller-provided vectors (cleared first)
// and return DataLoss for malformed input; they never crash on any input.
#ifndef STRATA_TSDB_RECORD_RECORD_H_
#define STRATA_TSDB_RECORD_RECORD_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/labels.h"

namespace strata::tsdb::record {

// The first byte of every record (§6.3).
enum class RecordType : uint8_t {
  kSeries = 1,
  kSamples = 2,
  kTombstones = 3,
  kExemplars = 4,
  kMmapMarkers = 5,  // WBL only
  kMetadata = 6,
  kHistogramSamples = 7,       // not decoded here; replay skips it
  kFloatHistogramSamples = 8,  // not decoded here; replay skips it
};

// "series", "samples", … for messages.
std::string_view RecordTypeName(RecordType type);

// The type of the encoded record `rec`. DataLoss if `rec` is empty; Unimplemented if its first
// byte names no type listed above (a newer Prometheus writes 9 and 10; replay should skip those).
absl::StatusOr<RecordType> Type(std::string_view rec);

// A series declaration: head series ref and its labels.
struct RefSeries {
  uint64_t ref = 0;
  labels::Labels labels;
  friend bool operator==(const RefSeries&, const RefSeries&) = default;
};

// A float sample of series `ref`. The value's bits are kept exactly (staleness markers are NaNs).
struct RefSample {
  uint64_t ref = 0;
  int64_t t = 0;
  double v = 0;
};

// One deleted interval [mint, maxt] of series `ref` (a record entry holds exactly one interval;
// a series with several intervals is written as several entries).
struct Stone {
  uint64_t ref = 0;
  int64_t mint = 0;
  int64_t maxt = 0;
  friend bool operator==(const Stone&, const Stone&) = default;
};

struct RefExemplar {
  uint64_t ref = 0;
  int64_t t = 0;
  double v = 0;
  labels::Labels labels;
};

// WBL only (§7.5): everything logged for series `ref` before this marker is in the m-mapped chunk
// `mmap_ref` (a chunks_head reference, §8.3; 0 = nothing was m-mapped).
struct RefMmapMarker {
  uint64_t ref = 0;
  uint64_t mmap_ref = 0;
  friend bool operator==(const RefMmapMarker&, const RefMmapMarker&) = default;
};

// Metric type byte of a metadata entry (§6.4).
enum class MetricType : uint8_t {
  kUnknown = 0,
  kCounter = 1,
  kGauge = 2,
  kHistogram = 3,
  kGaugeHistogram = 4,
  kSummary = 5,
  kInfo = 6,
  kStateset = 7,
};

struct RefMetadata {
  uint64_t ref = 0;
  uint8_t type = 0;  // a MetricType value; other values are kept as read
  std::string unit;
  std::string help;
  friend bool operator==(const RefMetadata&, const RefMetadata&) = default;
};

// Encoders: each appends ONE record (type byte included) to `out`. An empty input gives a record
// of just the type byte; callers normally skip logging it.
void EncodeSeries(std::span<const RefSeries> series, std::string* out);
// Deltas to the first sample are signed varints (§6.4), so any ref/t order round-trips.
void EncodeSamples(std::span<const RefSample> samples, std::string* out);
void EncodeTombstones(std::span<const Stone> stones, std::string* out);
void EncodeExemplars(std::span<const RefExemplar> exemplars, std::string* out);
void EncodeMmapMarkers(std::span<const RefMmapMarker> markers, std::string* out);
// Writes the fields "UNIT" then "HELP", as Prometheus does.
void EncodeMetadata(std::span<const RefMetadata> metadata, std::string* out);

// Decodes records. Each method clears `out`, then appends the record's entries. Errors:
// InvalidArgument if `rec` is a record of another type, DataLoss (naming the record type and the
// byte offset) if the bytes are malformed, truncated or have trailing garbage; `out` then holds
// an unspecified prefix. Keeps scratch space between calls: reuse one Decoder. Not thread-safe.
class Decoder {
 public:
  absl::Status Series(std::string_view rec, std::vector<RefSeries>* out);
  absl::Status Samples(std::string_view rec, std::vector<RefSample>* out);
  absl::Status Tombstones(std::string_view rec, std::vector<Stone>* out);
  absl::Status Exemplars(std::string_view rec, std::vector<RefExemplar>* out);
  absl::Status MmapMarkers(std::string_view rec, std::vector<RefMmapMarker>* out);
  // Unknown field names are ignored; missing UNIT/HELP decode as "".
  absl::Status Metadata(std::string_view rec, std::vector<RefMetadata>* out);

 private:
  std::vector<labels::Label> scratch_;  // label views of the entry being decoded
};

}  // namespace strata::tsdb::record

#endif  // STRATA_TSDB_RECORD_RECORD_H_
