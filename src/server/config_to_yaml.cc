// ToYaml, and the equality of configs, both driven by the field table.
#include <cctype>
#include <vector>

#include "server/config.h"
#include "server/config_fields.h"
#include "server/config_value.h"
#include "util/strings.h"
#include "yaml-cpp/yaml.h"

namespace strata::server {
namespace {

// Each field of a Limits formatted as text, in table order. Formats round-trip exactly, so equal
// texts mean equal values.
std::vector<std::string> LimitTexts(const limits::Limits& l) {
  std::vector<std::string> out;
  VisitLimitFields(l, "", [&](const FieldInfo& info, const auto& value) {
    out.push_back(FormatField(info.kind, value));
  });
  return out;
}

// Whether a string scalar written plain would read back as something else to a YAML reader
// (a number, a boolean or null in YAML 1.1 or 1.2); such strings are written double-quoted.
bool LooksLikeNonString(std::string_view s) {
  if (s.empty() || ParseFloatValue(s).ok()) return true;
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"}) {
    if (lower == word) return true;
  }
  return false;
}

void EmitString(YAML::Emitter& out, const std::string& s) {
  if (LooksLikeNonString(s)) out << YAML::DoubleQuoted;
  out << s;
}

// Writes `key: value` in the value's natural YAML type: numbers and booleans plain, durations as
// strings, a duration list as a block sequence.
template <typename T>
void EmitField(YAML::Emitter& out, std::string_view key, Kind kind, const T& value) {
  out << YAML::Key << std::string(key) << YAML::Value;
  if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
    out << YAML::BeginSeq;
    for (int64_t ms : value) out << FormatField(Kind::kDuration, ms);
    out << YAML::EndSeq;
  } else if constexpr (std::is_same_v<T, std::string>) {
    EmitString(out, value);
  } else {
    out << FormatField(kind, value);
  }
}

// Opens and closes nested maps as the dotted section changes between consecutive fields (the
// table keeps each section's fields together).
class SectionTracker {
 public:
  explicit SectionTracker(YAML::Emitter& out) : out_(out) {}
  void MoveTo(std::string_view section) {
    std::vector<std::string> parts;
    while (!section.empty()) {
      size_t dot = section.find('.');
      parts.emplace_back(section.substr(0, dot));
      section = dot == std::string_view::npos ? std::string_view() : section.substr(dot + 1);
    }
    size_t common = 0;
    while (common < open_.size() && common < parts.size() && open_[common] == parts[common]) {
      ++common;
    }
    for (size_t i = open_.size(); i > common; --i) out_ << YAML::EndMap;
    for (size_t i = common; i < parts.size(); ++i) {
      out_ << YAML::Key << parts[i] << YAML::Value << YAML::BeginMap;
    }
    open_ = std::move(parts);
  }

 private:
  YAML::Emitter& out_;
  std::vector<std::string> open_;
};

void EmitOverrides(YAML::Emitter& out, const Config& config) {
  if (config.overrides.empty()) return;
  const std::vector<std::string> defaults = LimitTexts(config.limits);
  out << YAML::Key << "overrides" << YAML::Value << YAML::BeginMap;
  for (const auto& [tenant, tenant_limits] : config.overrides) {
    out << YAML::Key;
    EmitString(out, tenant);
    out << YAML::Value;
    size_t i = 0, differing = 0;
    const std::vector<std::string> texts = LimitTexts(tenant_limits);
    for (; i < texts.size(); ++i) differing += texts[i] != defaults[i];
    if (differing == 0) out << YAML::Flow;
    out << YAML::BeginMap;
    i = 0;
    VisitLimitFields(tenant_limits, "", [&](const FieldInfo& info, const auto& value) {
      if (texts[i] != defaults[i]) EmitField(out, info.key, info.kind, value);
      ++i;
    });
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace

bool LimitsEqual(const limits::Limits& a, const limits::Limits& b) {
  return LimitTexts(a) == LimitTexts(b);
}

bool operator==(const Config& a, const Config& b) {
  if (a.target != b.target || a.auth_enabled != b.auth_enabled || a.server != b.server ||
      a.distributor != b.distributor || a.ingester != b.ingester || a.querier != b.querier ||
      a.blocks_storage != b.blocks_storage || !LimitsEqual(a.limits, b.limits) ||
      a.overrides.size() != b.overrides.size()) {
    return false;
  }
  for (auto ia = a.overrides.begin(), ib = b.overrides.begin(); ia != a.overrides.end();
       ++ia, ++ib) {
    if (ia->first != ib->first || !LimitsEqual(ia->second, ib->second)) return false;
  }
  return true;
}

std::string ToYaml(const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  SectionTracker sections(out);
  VisitConfigFields(config, [&](const FieldInfo& info, const auto& value) {
    sections.MoveTo(info.section);
    EmitField(out, info.key, info.kind, value);
  });
  sections.MoveTo("");
  EmitOverrides(out, config);
  out << YAML::EndMap;
  return StrCat(out.c_str(), "\n");
}

}  // namespace strata::server
