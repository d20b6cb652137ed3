// Record encoders and Type(). Layouts: prometheus-tsdb-formats.md §6.4.
#include "tsdb/record/record.h"

#include <cstring>

#include "util/coding.h"
#include "util/strings.h"

namespace strata::tsdb::record {
namespace {

void PutType(std::string* out, RecordType type) { out->push_back(static_cast<char>(type)); }

void PutLabels(std::string* out, const labels::Labels& ls) {
  // Count first: the record states the number of labels before them.
  PutUvarint(out, ls.size());
  for (const labels::Label& l : ls) {
    PutUvarintStr(out, l.name);
    PutUvarintStr(out, l.value);
  }
}

char* WriteVarint(char* p, int64_t v) { return p + EncodeUvarint(ZigZagEncode(v), p); }

char* WriteDouble(char* p, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  EncodeBE64(bits, p);
  return p + 8;
}

// Deltas are computed in uint64 arithmetic: wrap-around is defined there, and decoding adds them
// back the same way, so every pair of int64 values round-trips (a plain int64 subtraction of
// far-apart timestamps would overflow).
int64_t Delta(uint64_t v, uint64_t base) { return static_cast<int64_t>(v - base); }

}  // namespace

std::string_view RecordTypeName(RecordType type) {
  switch (type) {
    case RecordType::kSeries:
      return "series";
    case RecordType::kSamples:
      return "samples";
    case RecordType::kTombstones:
      return "tombstones";
    case RecordType::kExemplars:
      return "exemplars";
    case RecordType::kMmapMarkers:
      return "mmap markers";
    case RecordType::kMetadata:
      return "metadata";
    case RecordType::kHistogramSamples:
      return "histogram samples";
    case RecordType::kFloatHistogramSamples:
      return "float histogram samples";
  }
  return "unknown";
}

absl::StatusOr<RecordType> Type(std::string_view rec) {
  if (rec.empty()) return absl::DataLossError("empty WAL record");
  const uint8_t b = static_cast<uint8_t>(rec[0]);
  if (b < static_cast<uint8_t>(RecordType::kSeries) ||
      b > static_cast<uint8_t>(RecordType::kFloatHistogramSamples)) {
    return absl::UnimplementedError(StrCat("unknown WAL record type ", static_cast<int>(b)));
  }
  return static_cast<RecordType>(b);
}

void EncodeSeries(std::span<const RefSeries> series, std::string* out) {
  PutType(out, RecordType::kSeries);
  for (const RefSeries& s : series) {
    PutBE64(out, s.ref);
    PutLabels(out, s.labels);
  }
}

void EncodeSamples(std::span<const RefSample> samples, std::string* out) {
  PutType(out, RecordType::kSamples);
  if (samples.empty()) return;
  // Hot path: size for the worst case once, write through a pointer, then trim.
  constexpr size_t kMaxEntryBytes = 2 * kMaxVarintLen64 + 8;
  const size_t start = out->size();
  out->resize(start + 16 + samples.size() * kMaxEntryBytes);
  char* p = out->data() + start;
  const uint64_t base_ref = samples[0].ref;
  const uint64_t base_t = static_cast<uint64_t>(samples[0].t);
  EncodeBE64(base_ref, p);
  EncodeBE64(base_t, p + 8);
  p += 16;
  for (const RefSample& s : samples) {
    p = WriteVarint(p, Delta(s.ref, base_ref));
    p = WriteVarint(p, Delta(static_cast<uint64_t>(s.t), base_t));
    p = WriteDouble(p, s.v);
  }
  out->resize(static_cast<size_t>(p - out->data()));
}

void EncodeTombstones(std::span<const Stone> stones, std::string* out) {
  PutType(out, RecordType::kTombstones);
  for (const Stone& s : stones) {
    PutBE64(out, s.ref);
    PutVarint(out, s.mint);
    PutVarint(out, s.maxt);
  }
}

void EncodeExemplars(std::span<const RefExemplar> exemplars, std::string* out) {
  PutType(out, RecordType::kExemplars);
  if (exemplars.empty()) return;
  const uint64_t base_ref = exemplars[0].ref;
  const uint64_t base_t = static_cast<uint64_t>(exemplars[0].t);
  PutBE64(out, base_ref);
  PutBE64(out, base_t);
  for (const RefExemplar& e : exemplars) {
    PutVarint(out, Delta(e.ref, base_ref));
    PutVarint(out, Delta(static_cast<uint64_t>(e.t), base_t));
    PutBE64Double(out, e.v);
    PutLabels(out, e.labels);
  }
}

void EncodeMmapMarkers(std::span<const RefMmapMarker> markers, std::string* out) {
  PutType(out, RecordType::kMmapMarkers);
  for (const RefMmapMarker& m : markers) {
    PutBE64(out, m.ref);
    PutBE64(out, m.mmap_ref);
  }
}

void EncodeMetadata(std::span<const RefMetadata> metadata, std::string* out) {
  PutType(out, RecordType::kMetadata);
  for (const RefMetadata& m : metadata) {
    PutUvarint(out, m.ref);
    out->push_back(static_cast<char>(m.type));
    PutUvarint(out, 2);
    PutUvarintStr(out, "UNIT");
    PutUvarintStr(out, m.unit);
    PutUvarintStr(out, "HELP");
    PutUvarintStr(out, m.help);
  }
}

}  // namespace strata::tsdb::record
