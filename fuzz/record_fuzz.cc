// libFuzzer target: the WAL/WBL record decoder (tsdb::record::Decoder) on one record's bytes,
// chosen by its type byte as head replay does.
//
// Invariant checked beyond "does not crash": whatever decodes re-encodes to a record that
// decodes to the same entries (the same bits for float values).
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/record/record.h"

namespace {

namespace record = strata::tsdb::record;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "record_fuzz: round trip failed for %s records\n", what);
  std::abort();
}

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

bool Equal(const record::RefSample& a, const record::RefSample& b) {
  return a.ref == b.ref && a.t == b.t && SameBits(a.v, b.v);
}
bool Equal(const record::RefExemplar& a, const record::RefExemplar& b) {
  return a.ref == b.ref && a.t == b.t && SameBits(a.v, b.v) && a.labels == b.labels;
}
template <typename T>
bool Equal(const T& a, const T& b) {
  return a == b;
}

// Decodes `rec` with `decode`; if that succeeds, encodes the entries with `encode`, decodes
// again and compares.
template <typename T, typename DecodeFn, typename EncodeFn>
void RoundTrip(std::string_view rec, const char* name, DecodeFn decode, EncodeFn encode) {
  std::vector<T> first;
  if (!decode(rec, &first).ok()) return;
  std::string encoded;
  encode(first, &encoded);
  std::vector<T> second;
  if (!decode(encoded, &second).ok() || first.size() != second.size()) Fail(name);
  for (size_t i = 0; i < first.size(); i++) {
    if (!Equal(first[i], second[i])) Fail(name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rec(reinterpret_cast<const char*>(data), size);
  auto type = record::Type(rec);
  if (!type.ok()) return 0;
  record::Decoder dec;
  switch (*type) {
    case record::RecordType::kSeries:
      RoundTrip<record::RefSeries>(
          rec, "series", [&](auto r, auto* out) { return dec.Series(r, out); },
          [](const auto& v, std::string* out) { record::EncodeSeries(v, out); });
      break;
    case record::RecordType::kSamples:
      RoundTrip<record::RefSample>(
          rec, "samples", [&](auto r, auto* out) { return dec.Samples(r, out); },
          [](const auto& v, std::string* out) { record::EncodeSamples(v, out); });
      break;
    case record::RecordType::kTombstones:
      RoundTrip<record::Stone>(
          rec, "tombstones", [&](auto r, auto* out) { return dec.Tombstones(r, out); },
          [](const auto& v, std::string* out) { record::EncodeTombstones(v, out); });
      break;
    case record::RecordType::kExemplars:
      RoundTrip<record::RefExemplar>(
          rec, "exemplars", [&](auto r, auto* out) { return dec.Exemplars(r, out); },
          [](const auto& v, std::string* out) { record::EncodeExemplars(v, out); });
      break;
    case record::RecordType::kMmapMarkers:
      RoundTrip<record::RefMmapMarker>(
          rec, "mmap markers", [&](auto r, auto* out) { return dec.MmapMarkers(r, out); },
          [](const auto& v, std::string* out) { record::EncodeMmapMarkers(v, out); });
      break;
    case record::RecordType::kMetadata:
      RoundTrip<record::RefMetadata>(
          rec, "metadata", [&](auto r, auto* out) { return dec.Metadata(r, out); },
          [](const auto& v, std::string* out) { record::EncodeMetadata(v, out); });
      break;
    default:
      break;
  }
  return 0;
}
