// Record decoders. Layouts: prometheus-tsdb-formats.md §6.4. Every read is bounds-checked (Decbuf,
// or explicit checks on the samples fast path), so malformed input yields DataLoss, never a crash.
#include <algorithm>
#include <cstring>

#include "tsdb/record/record.h"
#include "util/coding.h"
#include "util/strings.h"

namespace strata::tsdb::record {
namespace {

absl::Status CheckType(std::string_view rec, RecordType want) {
  if (rec.empty()) {
    return absl::DataLossError(StrCat("decode ", RecordTypeName(want), " record: empty record"));
  }
  if (static_cast<uint8_t>(rec[0]) != static_cast<uint8_t>(want)) {
    return absl::InvalidArgumentError(StrCat("decode ", RecordTypeName(want),
                                             " record: record has type byte ",
                                             static_cast<int>(static_cast<uint8_t>(rec[0]))));
  }
  return absl::OkStatus();
}

absl::Status Malformed(RecordType type, std::string_view what, size_t offset) {
  return absl::DataLossError(
      StrCat("decode ", RecordTypeName(type), " record: ", what, " at offset ", offset));
}

absl::Status Annotated(RecordType type, const Decbuf& d) {
  if (d.ok()) return absl::OkStatus();
  return absl::DataLossError(
      StrCat("decode ", RecordTypeName(type), " record: ", d.status().message()));
}

// A Decbuf positioned after the type byte; offsets it reports are relative to the whole record.
Decbuf BodyOf(std::string_view rec) {
  Decbuf d(rec);
  d.Skip(1);
  return d;
}

uint64_t AddDelta(uint64_t base, int64_t delta) { return base + static_cast<uint64_t>(delta); }

// Reads a uvarint on the samples hot path, inline for one and two bytes: most timestamp deltas
// take one, the ref deltas of a record of thousands of series two.
inline int ReadUvarint(const char* p, const char* end, uint64_t* v) {
  if (p < end && static_cast<uint8_t>(*p) < 0x80) {
    *v = static_cast<uint8_t>(*p);
    return 1;
  }
  if (end - p >= 2 && static_cast<uint8_t>(p[1]) < 0x80) {
    *v = (static_cast<uint8_t>(p[0]) & 0x7fu) | (uint64_t{static_cast<uint8_t>(p[1])} << 7);
    return 2;
  }
  return DecodeUvarint(p, end, v);
}

// Prometheus sorts the labels of a decoded entry, so we accept any order too; duplicate names
// cannot be represented by labels::Labels and mean the record is damaged.
void ReadLabels(Decbuf& d, std::vector<labels::Label>& scratch, labels::Labels* out) {
  const uint64_t n = d.Uvarint();
  if (n > d.remaining() / 2) {  // each label takes at least two length bytes
    d.Fail("label count exceeds record size");
    return;
  }
  scratch.clear();
  for (uint64_t i = 0; i < n; i++) {
    std::string_view name = d.UvarintStr();
    std::string_view value = d.UvarintStr();
    scratch.push_back(labels::Label{name, value});
  }
  if (!d.ok()) return;
  auto by_name = [](const labels::Label& a, const labels::Label& b) { return a.name < b.name; };
  if (!std::is_sorted(scratch.begin(), scratch.end(), by_name)) {
    std::sort(scratch.begin(), scratch.end(), by_name);
  }
  auto same_name = [](const labels::Label& a, const labels::Label& b) { return a.name == b.name; };
  if (std::adjacent_find(scratch.begin(), scratch.end(), same_name) != scratch.end()) {
    d.Fail("duplicate label name");
    return;
  }
  *out = labels::Labels::FromSorted(scratch);
}

}  // namespace

absl::Status Decoder::Series(std::string_view rec, std::vector<RefSeries>* out) {
  out->clear();
  if (absl::Status s = CheckType(rec, RecordType::kSeries); !s.ok()) return s;
  Decbuf d = BodyOf(rec);
  while (d.ok() && d.remaining() > 0) {
    RefSeries& s = out->emplace_back();
    s.ref = d.Be64();
    ReadLabels(d, scratch_, &s.labels);
  }
  return Annotated(RecordType::kSeries, d);
}

// The hot decoder of WAL replay: raw pointer parsing, no allocation once `out` has grown.
absl::Status Decoder::Samples(std::string_view rec, std::vector<RefSample>* out) {
  out->clear();
  if (absl::Status s = CheckType(rec, RecordType::kSamples); !s.ok()) return s;
  const char* const begin = rec.data();
  const char* const end = begin + rec.size();
  const char* p = begin + 1;
  if (p == end) return absl::OkStatus();
  if (end - p < 16) return Malformed(RecordType::kSamples, "unexpected end of data", p - begin);
  const uint64_t base_ref = DecodeBE64(p);
  const uint64_t base_t = DecodeBE64(p + 8);
  p += 16;
  out->reserve(static_cast<size_t>(end - p) / 10);  // an entry takes at least 10 bytes
  while (p < end) {
    uint64_t dref, dt;
    int n = ReadUvarint(p, end, &dref);
    if (n == 0) return Malformed(RecordType::kSamples, "invalid ref delta", p - begin);
    p += n;
    n = ReadUvarint(p, end, &dt);
    if (n == 0) return Malformed(RecordType::kSamples, "invalid timestamp delta", p - begin);
    p += n;
    if (end - p < 8) return Malformed(RecordType::kSamples, "unexpected end of data", p - begin);
    RefSample& s = out->emplace_back();
    s.ref = AddDelta(base_ref, ZigZagDecode(dref));
    s.t = static_cast<int64_t>(AddDelta(base_t, ZigZagDecode(dt)));
    const uint64_t bits = DecodeBE64(p);
    std::memcpy(&s.v, &bits, sizeof bits);
    p += 8;
  }
  return absl::OkStatus();
}

absl::Status Decoder::Tombstones(std::string_view rec, std::vector<Stone>* out) {
  out->clear();
  if (absl::Status s = CheckType(rec, RecordType::kTombstones); !s.ok()) return s;
  Decbuf d = BodyOf(rec);
  while (d.ok() && d.remaining() > 0) {
    Stone s;
    s.ref = d.Be64();
    s.mint = d.Varint();
    s.maxt = d.Varint();
    if (d.ok()) out->push_back(s);
  }
  return Annotated(RecordType::kTombstones, d);
}

absl::Status Decoder::Exemplars(std::string_view rec, std::vector<RefExemplar>* out) {
  out->clear();
  if (absl::Status s = CheckType(rec, RecordType::kExemplars); !s.ok()) return s;
  Decbuf d = BodyOf(rec);
  if (d.remaining() == 0) return absl::OkStatus();
  const uint64_t base_ref = d.Be64();
  const uint64_t base_t = d.Be64();
  while (d.ok() && d.remaining() > 0) {
    RefExemplar& e = out->emplace_back();
    e.ref = AddDelta(base_ref, d.Varint());
    e.t = static_cast<int64_t>(AddDelta(base_t, d.Varint()));
    e.v = d.Be64Double();
    ReadLabels(d, scratch_, &e.labels);
  }
  return Annotated(RecordType::kExemplars, d);
}

absl::Status Decoder::MmapMarkers(std::string_view rec, std::vector<RefMmapMarker>* out) {
  out->clear();
  if (absl::Status s = CheckType(rec, RecordType::kMmapMarkers); !s.ok()) return s;
  Decbuf d = BodyOf(rec);
  while (d.ok() && d.remaining() > 0) {
    RefMmapMarker m;
    m.ref = d.Be64();
    m.mmap_ref = d.Be64();
    if (d.ok()) out->push_back(m);
  }
  return Annotated(RecordType::kMmapMarkers, d);
}

absl::Status Decoder::Metadata(std::string_view rec, std::vector<RefMetadata>* out) {
  out->clear();
  if (absl::Status s = CheckType(rec, RecordType::kMetadata); !s.ok()) return s;
  Decbuf d = BodyOf(rec);
  while (d.ok() && d.remaining() > 0) {
    RefMetadata& m = out->emplace_back();
    m.ref = d.Uvarint();
    m.type = d.Byte();
    const uint64_t fields = d.Uvarint();
    if (fields > d.remaining() / 2) d.Fail("field count exceeds record size");
    for (uint64_t i = 0; i < fields && d.ok(); i++) {
      std::string_view name = d.UvarintStr();
      std::string_view value = d.UvarintStr();
      if (name == "UNIT") m.unit.assign(value);
      if (name == "HELP") m.help.assign(value);
    }
  }
  return Annotated(RecordType::kMetadata, d);
}

}  // namespace strata::tsdb::record
