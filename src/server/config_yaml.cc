#include "server/config_yaml.h"

#include <set>

#include "absl/strings/str_format.h"
#include "server/config_fields.h"
#include "util/go_strings.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::server {
namespace {

constexpr std::string_view kOverrides = "overrides";

// The keys a document may use: full paths of fields, and of the sections that hold them.
struct KnownKeys {
  std::set<std::string, std::less<>> fields;
  std::set<std::string, std::less<>> sections;
  std::set<std::string, std::less<>> limit_keys;
};

KnownKeys MakeKnownKeys() {
  KnownKeys known;
  Config defaults;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto&) {
    known.fields.insert(info.path());
    std::string_view section = info.section;
    while (!section.empty()) {
      known.sections.insert(std::string(section));
      size_t dot = section.rfind('.');
      section = section.substr(0, dot == std::string_view::npos ? 0 : dot);
    }
  });
  VisitLimitFields(defaults.limits, "", [&](const FieldInfo& info, const auto&) {
    known.limit_keys.insert(std::string(info.key));
  });
  return known;
}

std::string Where(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return "";
  return StrCat(" (line ", mark.line + 1, ")");
}

std::string_view NodeTypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Undefined:
      break;
  }
  return "an undefined node";
}

absl::Status Error(std::string_view path, std::string_view what, const YAML::Node& node) {
  return absl::InvalidArgumentError(StrCat(path, ": ", what, Where(node)));
}

// The key of a map entry as a string; keys must be plain scalars.
absl::StatusOr<std::string> KeyOf(const YAML::Node& key, std::string_view parent) {
  if (!key.IsScalar()) {
    return Error(parent.empty() ? "config" : parent, "map keys must be strings", key);
  }
  return key.Scalar();
}

std::string Join(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : StrCat(parent, ".", key);
}

absl::Status ParseTenants(const YAML::Node& node, const KnownKeys& known, YamlConfigDoc* doc) {
  if (node.IsNull()) return absl::OkStatus();
  if (!node.IsMap())
    return Error(kOverrides, StrCat("expected a map, got ", NodeTypeName(node)), node);
  std::set<std::string> seen;
  for (const auto& tenant_entry : node) {
    ASSIGN_OR_RETURN(std::string tenant, KeyOf(tenant_entry.first, kOverrides));
    const std::string tenant_path = Join(kOverrides, tenant);
    if (!seen.insert(tenant).second) return Error(tenant_path, "duplicate key", tenant_entry.first);
    const YAML::Node& limits = tenant_entry.second;
    if (!limits.IsNull() && !limits.IsMap()) {
      return Error(tenant_path, StrCat("expected a map, got ", NodeTypeName(limits)),
                   tenant_entry.first);
    }
    std::map<std::string, YamlLeaf> keys;
    if (limits.IsMap()) {
      for (const auto& entry : limits) {
        ASSIGN_OR_RETURN(std::string key, KeyOf(entry.first, tenant_path));
        const std::string path = Join(tenant_path, key);
        if (!known.limit_keys.contains(key)) return Error(path, "unknown field", entry.first);
        if (!keys.emplace(key, YamlLeaf{entry.first, entry.second}).second) {
          return Error(path, "duplicate key", entry.first);
        }
      }
    }
    doc->tenants.emplace_back(tenant, std::move(keys));
  }
  return absl::OkStatus();
}

// Collects the leaves under the map `node` at `path` into doc->leaves.
absl::Status Walk(const YAML::Node& node, const std::string& path, const KnownKeys& known,
                  YamlConfigDoc* doc) {
  std::set<std::string> seen;  // yaml-cpp keeps repeated keys; Cortex's YAML decoder rejects them
  for (const auto& entry : node) {
    ASSIGN_OR_RETURN(std::string key, KeyOf(entry.first, path));
    const std::string child = Join(path, key);
    const YAML::Node& value = entry.second;
    if (!seen.insert(key).second) return Error(child, "duplicate key", entry.first);
    if (path.empty() && key == kOverrides) {
      RETURN_IF_ERROR(ParseTenants(value, known, doc));
    } else if (known.fields.contains(child)) {
      doc->leaves.emplace(child, YamlLeaf{entry.first, value});
    } else if (known.sections.contains(child)) {
      if (value.IsNull()) continue;  // an empty section, as `server:` with nothing under it
      if (!value.IsMap()) {
        return Error(child, StrCat("expected a map, got ", NodeTypeName(value)), entry.first);
      }
      RETURN_IF_ERROR(Walk(value, child, known, doc));
    } else {
      return Error(child, "unknown field", entry.first);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<YamlConfigDoc> ParseYamlNoCatch(std::string_view text) {
  YAML::Node root = YAML::Load(std::string(text));
  YamlConfigDoc doc;
  if (root.IsNull()) return doc;
  if (!root.IsMap()) {
    return Error("config", StrCat("expected a map at the top level, got ", NodeTypeName(root)),
                 root);
  }
  RETURN_IF_ERROR(Walk(root, "", MakeKnownKeys(), &doc));
  return doc;
}

// Sets `*value` from `node`; errors are prefixed with `path`.
template <typename T>
absl::Status SetFromLeaf(const FieldInfo& info, const std::string& path, const YamlLeaf& leaf,
                         T* value) {
  const YAML::Node& node = leaf.value;
  if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
    if (node.IsSequence()) {
      std::vector<int64_t> out;
      for (const YAML::Node& item : node) {
        int64_t ms = 0;
        if (!item.IsScalar()) {
          return Error(path, StrCat("expected a duration in the list, got ", NodeTypeName(item)),
                       item);
        }
        absl::Status st = ParseField(Kind::kDuration, item.Scalar(), &ms);
        if (!st.ok()) {
          return Error(path, std::string(st.message().data(), st.message().size()), item);
        }
        out.push_back(ms);
      }
      *value = std::move(out);
      return absl::OkStatus();
    }
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (node.IsNull()) {  // `wal_compression_type:` with nothing after it means ""
      value->clear();
      return absl::OkStatus();
    }
  }
  if (!node.IsScalar()) {
    return Error(path,
                 StrCat("expected ", KindExpectation(info.kind), ", got ", NodeTypeName(node)),
                 leaf.key);
  }
  absl::Status st = ParseField(info.kind, node.Scalar(), value);
  if (!st.ok()) {
    return Error(path, std::string(st.message().data(), st.message().size()), leaf.key);
  }
  return absl::OkStatus();
}

// A visitor setting each field whose path is in `leaves`; keeps the first error.
struct LeafSetter {
  const std::map<std::string, YamlLeaf>& leaves;
  bool by_key;              // look fields up by key alone (a tenant's map) rather than by full path
  std::string_view prefix;  // for error messages when by_key
  absl::Status status;

  template <typename T>
  void operator()(const FieldInfo& info, T& value) {
    if (!status.ok()) return;
    auto it = leaves.find(by_key ? std::string(info.key) : info.path());
    if (it == leaves.end()) return;
    const std::string path = by_key ? Join(prefix, info.key) : it->first;
    status = SetFromLeaf(info, path, it->second, &value);
  }
};

}  // namespace

absl::StatusOr<YamlConfigDoc> ParseYamlConfig(std::string_view text) {
  // YAML is Unicode text (Go's yaml, hence Cortex, refuses anything else). yaml-cpp would pass
  // invalid bytes through into string values, which ToYaml cannot print back (its emitter
  // replaces them with U+FFFD), breaking ConfigFromYaml(ToYaml(c)) == c. Found by
  // fuzz/config_fuzz.cc.
  if (!ValidUtf8(text)) return absl::InvalidArgumentError("invalid YAML: not valid UTF-8");
  // Nor may it hold control characters (YAML's printable set; Go's yaml refuses them too).
  // yaml-cpp reads a NUL as the start of a UTF-16 unit and turns "\0_" into the lone byte 0xA0,
  // a string value ToYaml then prints as invalid UTF-8. Found by fuzz/config_fuzz.cc.
  for (size_t i = 0; i < text.size(); i++) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "invalid YAML: control character 0x%02x at offset %d is not allowed", c, i));
    }
  }
  try {
    return ParseYamlNoCatch(text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("invalid YAML: ", e.what()));
  }
}

absl::Status ApplyYamlLeaves(const YamlConfigDoc& doc, Config* config) {
  try {
    LeafSetter setter{doc.leaves, false, "", absl::OkStatus()};
    VisitConfigFields(*config, setter);
    return setter.status;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("invalid YAML: ", e.what()));
  }
}

absl::Status ApplyTenantOverrides(const YamlConfigDoc& doc, Config* config) {
  try {
    std::map<std::string, limits::Limits, std::less<>> overrides;
    for (const auto& [tenant, keys] : doc.tenants) {
      limits::Limits tenant_limits = config->limits;
      const std::string prefix = Join(kOverrides, tenant);
      LeafSetter setter{keys, true, prefix, absl::OkStatus()};
      VisitLimitFields(tenant_limits, prefix, setter);
      RETURN_IF_ERROR(setter.status);
      overrides.emplace(tenant, tenant_limits);
    }
    config->overrides = std::move(overrides);
    return absl::OkStatus();
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(StrCat("invalid YAML: ", e.what()));
  }
}

}  // namespace strata::server
