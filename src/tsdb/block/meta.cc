#include "tsdb/block/meta.h"

#include <algorithm>
#include <limits>

#include "nlohmann/json.hpp"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::block {
namespace {

// ---- Encoding: the output of Go's json.MarshalIndent(v, "", "\t") ----

// Length of the valid UTF-8 sequence at the start of `s` (non-empty, first byte >= 0x80), or 0
// if it is invalid: overlong forms, surrogates and code points above U+10FFFF are invalid, as in
// Go's utf8.DecodeRuneInString.
size_t Utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = byte(0);
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < n; k++) {
    if (byte(k) < 0x80 || byte(k) > 0xBF) return 0;
  }
  return n;
}

// Appends `s` as a JSON string the way Go's encoder escapes it (HTML-safe mode, Go 1.19 as used
// by Prometheus 2.42: only \" \\ \n \r \t have short forms).
void AppendGoString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const uint8_t c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      i++;
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            StrAppend(out, "\\u00", std::string_view(&kHex[c >> 4], 1),
                      std::string_view(&kHex[c & 0xF], 1));
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      continue;
    }
    const size_t n = Utf8SequenceLength(s.substr(i));
    if (n == 0) {
      out->append("\\ufffd");
      i++;
    } else if (n == 3 && c == 0xE2 && s[i + 1] == '\x80' &&
               (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
      out->append(s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029");  // JavaScript line separators
      i += n;
    } else {
      out->append(s.substr(i, n));
      i += n;
    }
  }
  out->push_back('"');
}

// Writes nested objects and arrays with one TAB per level; "{}"/"[]" when empty, like Go.
class IndentWriter {
 public:
  explicit IndentWriter(std::string* out) : out_(out) {}

  void Open(char bracket) {
    out_->push_back(bracket);
    depth_++;
    empty_ = true;
  }
  void Close(char bracket) {
    depth_--;
    if (!empty_) NewLine();
    out_->push_back(bracket);
    empty_ = false;  // the enclosing container now holds this value
  }
  // Starts the next array element.
  void Element() {
    if (!empty_) out_->push_back(',');
    NewLine();
    empty_ = false;
  }
  // Starts the next object member.
  void Key(std::string_view key) {
    Element();
    AppendGoString(out_, key);
    out_->append(": ");
  }
  void String(std::string_view s) { AppendGoString(out_, s); }
  void Int(int64_t v) { StrAppend(out_, v); }
  void Uint(uint64_t v) { StrAppend(out_, v); }
  void Bool(bool v) { out_->append(v ? "true" : "false"); }

 private:
  void NewLine() {
    out_->push_back('\n');
    out_->append(static_cast<size_t>(depth_), '\t');
  }

  std::string* out_;
  int depth_ = 0;
  bool empty_ = true;  // the innermost open container has no member yet
};

void EncodeStats(IndentWriter& w, const BlockStats& s) {
  w.Open('{');
  const std::pair<const char*, uint64_t> fields[] = {{"numSamples", s.num_samples},
                                                     {"numSeries", s.num_series},
                                                     {"numChunks", s.num_chunks},
                                                     {"numTombstones", s.num_tombstones}};
  for (const auto& [key, value] : fields) {
    if (value == 0) continue;
    w.Key(key);
    w.Uint(value);
  }
  w.Close('}');
}

void EncodeDesc(IndentWriter& w, const BlockDesc& d) {
  w.Open('{');
  w.Key("ulid");
  w.String(d.ulid.ToString());
  w.Key("minTime");
  w.Int(d.min_time);
  w.Key("maxTime");
  w.Int(d.max_time);
  w.Close('}');
}

void EncodeCompaction(IndentWriter& w, const BlockMetaCompaction& c) {
  w.Open('{');
  w.Key("level");
  w.Int(c.level);
  if (!c.sources.empty()) {
    w.Key("sources");
    w.Open('[');
    for (const Ulid& u : c.sources) {
      w.Element();
      w.String(u.ToString());
    }
    w.Close(']');
  }
  if (c.deletable) {
    w.Key("deletable");
    w.Bool(true);
  }
  if (!c.parents.empty()) {
    w.Key("parents");
    w.Open('[');
    for (const BlockDesc& d : c.parents) {
      w.Element();
      EncodeDesc(w, d);
    }
    w.Close(']');
  }
  if (c.failed) {
    w.Key("failed");
    w.Bool(true);
  }
  if (!c.hints.empty()) {
    w.Key("hints");
    w.Open('[');
    for (const std::string& h : c.hints) {
      w.Element();
      w.String(h);
    }
    w.Close(']');
  }
  w.Close('}');
}

// ---- Decoding ----

using Json = nlohmann::json;

absl::Status BadField(std::string_view field, std::string_view what) {
  return absl::DataLossError(StrCat("meta.json field \"", field, "\": ", what));
}

// The member `key` of object `obj`, or nullptr if it is absent or null (Go leaves the field at
// its zero value in both cases).
const Json* Member(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return (it == obj.end() || it->is_null()) ? nullptr : &*it;
}

absl::StatusOr<const Json*> Required(const Json& obj, const char* key, std::string_view field) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return BadField(field, "missing");
  return v;
}

absl::Status ToInt64(const Json& v, std::string_view field, int64_t* out) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return BadField(field, "integer out of range");
    }
    *out = static_cast<int64_t>(u);
    return absl::OkStatus();
  }
  if (!v.is_number_integer())
    return BadField(field, StrCat("expected an integer, got ", v.type_name()));
  *out = v.get<int64_t>();
  return absl::OkStatus();
}

absl::Status ToUint64(const Json& v, std::string_view field, uint64_t* out) {
  if (!v.is_number_unsigned()) {
    return BadField(field, StrCat("expected a non-negative integer, got ", v.type_name()));
  }
  *out = v.get<uint64_t>();
  return absl::OkStatus();
}

absl::Status ToUlid(const Json& v, std::string_view field, Ulid* out) {
  if (!v.is_string()) return BadField(field, StrCat("expected a ULID string, got ", v.type_name()));
  const std::string& s = v.get_ref<const std::string&>();
  std::optional<Ulid> u = Ulid::Parse(s);
  if (!u) return BadField(field, StrCat("invalid ULID \"", s.substr(0, 64), "\""));
  *out = *u;
  return absl::OkStatus();
}

// Decodes an optional member with `convert` (absent or null: `*out` keeps its value).
template <typename T, typename Fn>
absl::Status Optional(const Json& obj, const char* key, std::string_view field, T* out,
                      Fn convert) {
  const Json* v = Member(obj, key);
  return v == nullptr ? absl::OkStatus() : convert(*v, field, out);
}

absl::Status ToBool(const Json& v, std::string_view field, bool* out) {
  if (!v.is_boolean()) return BadField(field, StrCat("expected a boolean, got ", v.type_name()));
  *out = v.get<bool>();
  return absl::OkStatus();
}

// Decodes an optional array member element by element with `convert`.
template <typename T, typename Fn>
absl::Status OptionalArray(const Json& obj, const char* key, std::string_view field,
                           std::vector<T>* out, Fn convert) {
  const Json* v = Member(obj, key);
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_array()) return BadField(field, StrCat("expected an array, got ", v->type_name()));
  out->resize(v->size());
  for (size_t i = 0; i < v->size(); i++) {
    RETURN_IF_ERROR(convert((*v)[i], StrCat(field, "[", i, "]"), &(*out)[i]));
  }
  return absl::OkStatus();
}

absl::Status ToHint(const Json& v, std::string_view field, std::string* out) {
  if (!v.is_string()) return BadField(field, StrCat("expected a string, got ", v.type_name()));
  *out = v.get<std::string>();
  return absl::OkStatus();
}

absl::Status ToDesc(const Json& v, std::string_view field, BlockDesc* out) {
  if (!v.is_object()) return BadField(field, StrCat("expected an object, got ", v.type_name()));
  ASSIGN_OR_RETURN(const Json* ulid, Required(v, "ulid", StrCat(field, ".ulid")));
  RETURN_IF_ERROR(ToUlid(*ulid, StrCat(field, ".ulid"), &out->ulid));
  ASSIGN_OR_RETURN(const Json* mint, Required(v, "minTime", StrCat(field, ".minTime")));
  RETURN_IF_ERROR(ToInt64(*mint, StrCat(field, ".minTime"), &out->min_time));
  ASSIGN_OR_RETURN(const Json* maxt, Required(v, "maxTime", StrCat(field, ".maxTime")));
  return ToInt64(*maxt, StrCat(field, ".maxTime"), &out->max_time);
}

absl::Status ToStats(const Json& v, std::string_view field, BlockStats* out) {
  if (!v.is_object()) return BadField(field, StrCat("expected an object, got ", v.type_name()));
  RETURN_IF_ERROR(Optional(v, "numSamples", "stats.numSamples", &out->num_samples, ToUint64));
  RETURN_IF_ERROR(Optional(v, "numSeries", "stats.numSeries", &out->num_series, ToUint64));
  RETURN_IF_ERROR(Optional(v, "numChunks", "stats.numChunks", &out->num_chunks, ToUint64));
  return Optional(v, "numTombstones", "stats.numTombstones", &out->num_tombstones, ToUint64);
}

absl::Status ToCompaction(const Json& v, std::string_view field, BlockMetaCompaction* out) {
  if (!v.is_object()) return BadField(field, StrCat("expected an object, got ", v.type_name()));
  RETURN_IF_ERROR(Optional(v, "level", "compaction.level", &out->level, ToInt64));
  RETURN_IF_ERROR(OptionalArray(v, "sources", "compaction.sources", &out->sources, ToUlid));
  RETURN_IF_ERROR(Optional(v, "deletable", "compaction.deletable", &out->deletable, ToBool));
  RETURN_IF_ERROR(OptionalArray(v, "parents", "compaction.parents", &out->parents, ToDesc));
  RETURN_IF_ERROR(Optional(v, "failed", "compaction.failed", &out->failed, ToBool));
  return OptionalArray(v, "hints", "compaction.hints", &out->hints, ToHint);
}

absl::Status DecodeRoot(const Json& root, BlockMeta* meta) {
  if (!root.is_object()) {
    return absl::DataLossError(StrCat("meta.json: expected an object, got ", root.type_name()));
  }
  // The version first: a newer format's other fields may mean something else.
  ASSIGN_OR_RETURN(const Json* version, Required(root, "version", "version"));
  RETURN_IF_ERROR(ToInt64(*version, "version", &meta->version));
  if (meta->version != kMetaVersion1) {
    return absl::DataLossError(StrCat("meta.json: unexpected meta file version ", meta->version));
  }
  ASSIGN_OR_RETURN(const Json* ulid, Required(root, "ulid", "ulid"));
  RETURN_IF_ERROR(ToUlid(*ulid, "ulid", &meta->ulid));
  ASSIGN_OR_RETURN(const Json* mint, Required(root, "minTime", "minTime"));
  RETURN_IF_ERROR(ToInt64(*mint, "minTime", &meta->min_time));
  ASSIGN_OR_RETURN(const Json* maxt, Required(root, "maxTime", "maxTime"));
  RETURN_IF_ERROR(ToInt64(*maxt, "maxTime", &meta->max_time));
  RETURN_IF_ERROR(Optional(root, "stats", "stats", &meta->stats, ToStats));
  return Optional(root, "compaction", "compaction", &meta->compaction, ToCompaction);
}

}  // namespace

bool BlockMetaCompaction::FromOutOfOrder() const {
  return std::find(hints.begin(), hints.end(), kHintFromOutOfOrder) != hints.end();
}

void BlockMetaCompaction::SetOutOfOrder() {
  if (FromOutOfOrder()) return;
  hints.insert(std::upper_bound(hints.begin(), hints.end(), kHintFromOutOfOrder),
               kHintFromOutOfOrder);
}

std::string EncodeMeta(const BlockMeta& meta) {
  std::string out;
  IndentWriter w(&out);
  w.Open('{');
  w.Key("ulid");
  w.String(meta.ulid.ToString());
  w.Key("minTime");
  w.Int(meta.min_time);
  w.Key("maxTime");
  w.Int(meta.max_time);
  w.Key("stats");
  EncodeStats(w, meta.stats);
  w.Key("compaction");
  EncodeCompaction(w, meta.compaction);
  w.Key("version");
  w.Int(meta.version);
  w.Close('}');
  return out;  // no trailing newline, like Prometheus
}

absl::StatusOr<BlockMeta> DecodeMeta(std::string_view json) {
  // nlohmann reports errors by throwing; keep every exception inside this function. The parse
  // exception carries the line and column; the field checks below do not throw (types are
  // tested before each get), but stay inside the try as a backstop.
  try {
    const Json root = Json::parse(json.data(), json.data() + json.size());
    BlockMeta meta;
    RETURN_IF_ERROR(DecodeRoot(root, &meta));
    return meta;
  } catch (const Json::exception& e) {
    return absl::DataLossError(StrCat("malformed meta.json: ", e.what()));
  }
}

absl::StatusOr<uint64_t> WriteMeta(Fs* fs, const std::string& block_dir, const BlockMeta& meta) {
  const std::string data = EncodeMeta(meta);
  RETURN_IF_ERROR_CTX(WriteFileAtomically(fs, JoinPath(block_dir, kMetaFilename), data),
                      "write meta.json");
  return data.size();
}

absl::StatusOr<BlockMeta> ReadMeta(Fs* fs, const std::string& block_dir) {
  const std::string path = JoinPath(block_dir, kMetaFilename);
  ASSIGN_OR_RETURN(std::string data, fs->ReadFile(path));
  absl::StatusOr<BlockMeta> meta = DecodeMeta(data);
  if (!meta.ok()) return Annotate(meta.status(), path);
  return meta;
}

}  // namespace strata::tsdb::block
