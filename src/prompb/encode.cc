#include "prompb/encode.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "prompb/wire.h"
#include "util/check.h"
#include "util/coding.h"

namespace strata::prompb {
namespace {

using wire::Key;
using wire::kFixed64;
using wire::kLengthDelimited;
using wire::kVarint;

// Every field number in the request is below 16, so every key is one byte.
constexpr size_t kKeySize = 1;

// proto3 omits a double field whose bits are all zero; -0.0 and NaN are written.
bool IsDefault(double v) { return wire::DoubleBits(v) == 0; }
// An int32 enum is written as the varint of its sign-extended 64-bit value.
uint64_t EnumVarint(MetricType t) { return static_cast<uint64_t>(static_cast<int64_t>(t)); }

size_t StringFieldSize(std::string_view s) {
  return s.empty() ? 0 : kKeySize + UvarintSize(s.size()) + s.size();
}
size_t MessageFieldSize(size_t size) { return kKeySize + UvarintSize(size) + size; }
size_t DoubleFieldSize(double v) { return IsDefault(v) ? 0 : kKeySize + 8; }
size_t Int64FieldSize(int64_t v) {
  return v == 0 ? 0 : kKeySize + UvarintSize(static_cast<uint64_t>(v));
}

size_t LabelSize(const Label& l) { return StringFieldSize(l.name) + StringFieldSize(l.value); }
size_t SampleSize(const Sample& s) {
  return DoubleFieldSize(s.value) + Int64FieldSize(s.timestamp_ms);
}
size_t LabelsSize(const std::vector<Label>& labels) {
  size_t n = 0;
  for (const Label& l : labels) n += MessageFieldSize(LabelSize(l));
  return n;
}
size_t ExemplarSize(const Exemplar& e) {
  return LabelsSize(e.labels) + DoubleFieldSize(e.value) + Int64FieldSize(e.timestamp_ms);
}
size_t TimeSeriesSize(const TimeSeries& ts) {
  size_t n = LabelsSize(ts.labels);
  for (const Sample& s : ts.samples) n += MessageFieldSize(SampleSize(s));
  for (const Exemplar& e : ts.exemplars) n += MessageFieldSize(ExemplarSize(e));
  for (const std::string& h : ts.histograms) n += MessageFieldSize(h.size());
  return n;
}
size_t MetadataSize(const MetricMetadata& m) {
  size_t n = m.type == MetricType::kUnknown ? 0 : kKeySize + UvarintSize(EnumVarint(m.type));
  return n + StringFieldSize(m.metric_family_name) + StringFieldSize(m.help) +
         StringFieldSize(m.unit);
}

// Writes into a buffer already sized to the exact encoded length.
class Writer {
 public:
  explicit Writer(char* p) : p_(p) {}
  char* position() const { return p_; }

  void Varint(uint64_t v) { p_ += EncodeUvarint(v, p_); }
  void Raw(std::string_view s) {
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  void MessageHeader(uint32_t number, size_t size) {
    *p_++ = static_cast<char>(Key(number, kLengthDelimited));
    Varint(size);
  }
  void String(uint32_t number, std::string_view s) {
    if (s.empty()) return;
    MessageHeader(number, s.size());
    Raw(s);
  }
  void Double(uint32_t number, double v) {
    if (IsDefault(v)) return;
    *p_++ = static_cast<char>(Key(number, kFixed64));
    wire::StoreLE64(wire::DoubleBits(v), p_);
    p_ += 8;
  }
  void Int64(uint32_t number, int64_t v) {
    if (v == 0) return;
    *p_++ = static_cast<char>(Key(number, kVarint));
    Varint(static_cast<uint64_t>(v));
  }

  void Labels(uint32_t number, const std::vector<Label>& labels) {
    for (const Label& l : labels) {
      MessageHeader(number, LabelSize(l));
      String(1, l.name);
      String(2, l.value);
    }
  }
  void TimeSeries(const prompb::TimeSeries& ts);
  void Metadata(const MetricMetadata& m);

 private:
  char* p_;
};

void Writer::TimeSeries(const prompb::TimeSeries& ts) {
  Labels(1, ts.labels);
  for (const Sample& s : ts.samples) {
    MessageHeader(2, SampleSize(s));
    Double(1, s.value);
    Int64(2, s.timestamp_ms);
  }
  for (const Exemplar& e : ts.exemplars) {
    MessageHeader(3, ExemplarSize(e));
    Labels(1, e.labels);
    Double(2, e.value);
    Int64(3, e.timestamp_ms);
  }
  for (const std::string& h : ts.histograms) {
    MessageHeader(4, h.size());
    Raw(h);
  }
}

void Writer::Metadata(const MetricMetadata& m) {
  if (m.type != MetricType::kUnknown) {
    *p_++ = static_cast<char>(Key(1, kVarint));
    Varint(EnumVarint(m.type));
  }
  String(2, m.metric_family_name);
  String(4, m.help);
  String(5, m.unit);
}

}  // namespace

size_t EncodedSize(const WriteRequest& req) {
  size_t n = 0;
  for (const TimeSeries& ts : req.timeseries) n += MessageFieldSize(TimeSeriesSize(ts));
  for (const MetricMetadata& m : req.metadata) n += MessageFieldSize(MetadataSize(m));
  return n;
}

void EncodeWriteRequest(const WriteRequest& req, std::string* out) {
  out->resize(EncodedSize(req));
  Writer w(out->data());
  for (const TimeSeries& ts : req.timeseries) {
    w.MessageHeader(1, TimeSeriesSize(ts));
    w.TimeSeries(ts);
  }
  for (const MetricMetadata& m : req.metadata) {
    w.MessageHeader(3, MetadataSize(m));
    w.Metadata(m);
  }
  // The sizes and the writer must agree, or the length prefixes written are wrong.
  CHECK(w.position() == out->data() + out->size());
}

}  // namespace strata::prompb
