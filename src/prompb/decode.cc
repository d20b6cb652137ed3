#include "prompb/decode.h"

#include <cstdint>

#include "prompb/field_reader.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::prompb {
namespace {

using wire::Field;
using wire::FieldReader;
using wire::kFixed64;
using wire::kLengthDelimited;
using wire::kVarint;

// Prefixes an element's error with its place, e.g. "labels[2]: ". Out of line: errors only.
[[gnu::cold]] absl::Status InElement(const absl::Status& st, const char* field, size_t i) {
  return Annotate(st, StrCat(field, "[", i, "]"));
}

uint32_t Index(size_t size) { return static_cast<uint32_t>(size); }

// Reads a label in the layout every encoder writes: key 1, name, key 2, value, each length
// under 128. Most labels of a real request look like this, and reading them without the
// general field loop halves the decoding time. False (nothing read) for any other layout.
bool ReadCanonicalLabel(std::string_view msg, labels::Label* label) {
  const auto* p = reinterpret_cast<const uint8_t*>(msg.data());
  const size_t size = msg.size();
  if (size < 4 || p[0] != wire::Key(1, kLengthDelimited)) return false;
  const size_t name_size = p[1];
  // name_size < 128 also keeps the reads below within `msg`.
  if (name_size >= 0x80 || name_size + 4 > size) return false;
  const uint8_t* v = p + 2 + name_size;
  const size_t value_size = v[1];
  if (v[0] != wire::Key(2, kLengthDelimited) || value_size >= 0x80 ||
      name_size + value_size + 4 != size) {
    return false;
  }
  label->name = std::string_view(msg.data() + 2, name_size);
  label->value = std::string_view(msg.data() + 4 + name_size, value_size);
  return true;
}

// Decodes one request into a view. Each message type has its own method; each reads fields in
// whatever order they come and leaves unknown ones to FieldReader, which skips them.
class Decoder {
 public:
  Decoder(std::string_view body, WriteRequestView* out) : base_(body.data()), out_(out) {}

  absl::Status Request(std::string_view msg);

 private:
  absl::Status TimeSeries(std::string_view msg);
  absl::Status Label(std::string_view msg, labels::Label* label);
  absl::Status Sample(std::string_view msg, prompb::Sample* sample);
  absl::Status Exemplar(std::string_view msg);
  absl::Status Histogram(std::string_view msg);
  absl::Status Metadata(std::string_view msg);
  // Appends a label to `labels` and decodes it there; the label's index goes into messages.
  absl::Status AppendLabel(std::string_view msg, std::vector<labels::Label>* labels,
                           uint32_t begin);

  FieldReader Reader(std::string_view msg) const { return FieldReader(base_, msg); }

  const char* base_;
  WriteRequestView* out_;
};

absl::Status Decoder::Request(std::string_view msg) {
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) {
    RETURN_IF_ERROR(r.Next(&f));
    if (f.number == 1) {
      RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "timeseries"));
      const size_t i = out_->timeseries.size();
      if (absl::Status st = TimeSeries(f.bytes); !st.ok()) return InElement(st, "timeseries", i);
    } else if (f.number == 3) {
      RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "metadata"));
      const size_t i = out_->metadata.size();
      if (absl::Status st = Metadata(f.bytes); !st.ok()) return InElement(st, "metadata", i);
    }
  }
  return absl::OkStatus();
}

absl::Status Decoder::AppendLabel(std::string_view msg, std::vector<labels::Label>* labels,
                                  uint32_t begin) {
  labels->emplace_back();
  absl::Status st = Label(msg, &labels->back());
  if (!st.ok()) return InElement(st, "labels", labels->size() - 1 - begin);
  return st;
}

// The fields of a series may come in any order and interleaved; each kind goes to its own flat
// array, so each of the series' ranges stays contiguous.
absl::Status Decoder::TimeSeries(std::string_view msg) {
  WriteRequestView& v = *out_;
  TimeSeriesView ts;
  ts.labels.begin = Index(v.labels.size());
  ts.samples.begin = Index(v.samples.size());
  ts.exemplars.begin = Index(v.exemplars.size());
  ts.histograms.begin = Index(v.histograms.size());
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) {
    RETURN_IF_ERROR(r.Next(&f));
    absl::Status st;
    switch (f.number) {
      case 1:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "labels"));
        RETURN_IF_ERROR(AppendLabel(f.bytes, &v.labels, ts.labels.begin));
        break;
      case 2:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "samples"));
        v.samples.emplace_back();
        st = Sample(f.bytes, &v.samples.back());
        if (!st.ok()) return InElement(st, "samples", v.samples.size() - 1 - ts.samples.begin);
        break;
      case 3:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "exemplars"));
        st = Exemplar(f.bytes);
        if (!st.ok()) return InElement(st, "exemplars", v.exemplars.size() - ts.exemplars.begin);
        break;
      case 4:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "histograms"));
        st = Histogram(f.bytes);
        if (!st.ok()) {
          return InElement(st, "histograms", v.histograms.size() - ts.histograms.begin);
        }
        break;
    }
  }
  ts.labels.end = Index(v.labels.size());
  ts.samples.end = Index(v.samples.size());
  ts.exemplars.end = Index(v.exemplars.size());
  ts.histograms.end = Index(v.histograms.size());
  v.timeseries.push_back(ts);
  return absl::OkStatus();
}

absl::Status Decoder::Label(std::string_view msg, labels::Label* label) {
  if (ReadCanonicalLabel(msg, label)) return absl::OkStatus();
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) {
    RETURN_IF_ERROR(r.Next(&f));
    if (f.number == 1) {
      RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "name"));
      label->name = f.bytes;
    } else if (f.number == 2) {
      RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "value"));
      label->value = f.bytes;
    }
  }
  return absl::OkStatus();
}

absl::Status Decoder::Sample(std::string_view msg, prompb::Sample* sample) {
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) {
    RETURN_IF_ERROR(r.Next(&f));
    if (f.number == 1) {
      RETURN_IF_ERROR(r.Expect(f, kFixed64, "value"));
      sample->value = wire::BitsDouble(f.scalar);
    } else if (f.number == 2) {
      RETURN_IF_ERROR(r.Expect(f, kVarint, "timestamp"));
      sample->timestamp_ms = static_cast<int64_t>(f.scalar);
    }
  }
  return absl::OkStatus();
}

// Exemplar labels go to their own array: a series' labels may follow its exemplars on the wire.
absl::Status Decoder::Exemplar(std::string_view msg) {
  WriteRequestView& v = *out_;
  ExemplarView e;
  e.labels.begin = Index(v.exemplar_labels.size());
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) {
    RETURN_IF_ERROR(r.Next(&f));
    if (f.number == 1) {
      RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "labels"));
      RETURN_IF_ERROR(AppendLabel(f.bytes, &v.exemplar_labels, e.labels.begin));
    } else if (f.number == 2) {
      RETURN_IF_ERROR(r.Expect(f, kFixed64, "value"));
      e.value = wire::BitsDouble(f.scalar);
    } else if (f.number == 3) {
      RETURN_IF_ERROR(r.Expect(f, kVarint, "timestamp"));
      e.timestamp_ms = static_cast<int64_t>(f.scalar);
    }
  }
  e.labels.end = Index(v.exemplar_labels.size());
  v.exemplars.push_back(e);
  return absl::OkStatus();
}

// Native histograms are not stored yet: check that the message is well-formed protobuf (one
// level deep) and keep its bytes.
absl::Status Decoder::Histogram(std::string_view msg) {
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) RETURN_IF_ERROR(r.Next(&f));
  out_->histograms.push_back(msg);
  return absl::OkStatus();
}

absl::Status Decoder::Metadata(std::string_view msg) {
  MetricMetadataView m;
  FieldReader r = Reader(msg);
  Field f;
  while (!r.done()) {
    RETURN_IF_ERROR(r.Next(&f));
    switch (f.number) {
      case 1:
        RETURN_IF_ERROR(r.Expect(f, kVarint, "type"));
        // An enum is an int32 on the wire; protobuf keeps the low 32 bits of the varint.
        m.type = static_cast<MetricType>(static_cast<int32_t>(static_cast<uint32_t>(f.scalar)));
        break;
      case 2:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "metric_family_name"));
        m.metric_family_name = f.bytes;
        break;
      case 4:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "help"));
        m.help = f.bytes;
        break;
      case 5:
        RETURN_IF_ERROR(r.Expect(f, kLengthDelimited, "unit"));
        m.unit = f.bytes;
        break;
    }
  }
  out_->metadata.push_back(m);
  return absl::OkStatus();
}

std::vector<prompb::Label> CopyLabels(std::span<const labels::Label> in) {
  std::vector<prompb::Label> out;
  out.reserve(in.size());
  for (const labels::Label& l : in) out.push_back({std::string(l.name), std::string(l.value)});
  return out;
}

}  // namespace

void WriteRequestView::Clear() {
  timeseries.clear();
  labels.clear();
  samples.clear();
  exemplars.clear();
  exemplar_labels.clear();
  histograms.clear();
  metadata.clear();
}

absl::Status DecodeWriteRequest(std::string_view body, WriteRequestView* out) {
  out->Clear();
  // Ranges are 32-bit; every element costs at least two bytes, so below 4 GiB none overflows.
  if (body.size() > UINT32_MAX) {
    return absl::InvalidArgumentError(
        StrCat("request of ", body.size(), " bytes is too large to decode (limit 4 GiB)"));
  }
  return Decoder(body, out).Request(body);
}

WriteRequest ToWriteRequest(const WriteRequestView& view) {
  WriteRequest req;
  req.timeseries.reserve(view.timeseries.size());
  for (const TimeSeriesView& tsv : view.timeseries) {
    TimeSeries& ts = req.timeseries.emplace_back();
    ts.labels = CopyLabels(view.LabelsOf(tsv));
    ts.samples.assign(view.SamplesOf(tsv).begin(), view.SamplesOf(tsv).end());
    for (const ExemplarView& ev : view.ExemplarsOf(tsv)) {
      ts.exemplars.push_back({CopyLabels(view.LabelsOf(ev)), ev.value, ev.timestamp_ms});
    }
    for (std::string_view h : view.HistogramsOf(tsv)) ts.histograms.emplace_back(h);
  }
  for (const MetricMetadataView& m : view.metadata) {
    req.metadata.push_back(
        {m.type, std::string(m.metric_family_name), std::string(m.help), std::string(m.unit)});
  }
  return req;
}

}  // namespace strata::prompb
