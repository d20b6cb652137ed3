// Reading a config file's YAML into Config, in the steps LoadConfig needs: the file is parsed and
// checked for unknown keys first, its values go into Config before the flags are applied, and
// the per-tenant overrides are computed last, from the final defaults. yaml-cpp throws; nothing
// thrown leaves this file.
#ifndef STRATA_SERVER_CONFIG_YAML_H_
#define STRATA_SERVER_CONFIG_YAML_H_

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config.h"
#include "yaml-cpp/yaml.h"

namespace strata::server {

// One `key: value` of a document; errors point at the key's line (a null value has none).
struct YamlLeaf {
  YAML::Node key;
  YAML::Node value;
};

// A config document split into its leaves, each checked to be a known key.
struct YamlConfigDoc {
  // Full dotted path ("blocks_storage.tsdb.dir") → leaf.
  std::map<std::string, YamlLeaf> leaves;
  // `overrides:` in document order: tenant → (limit key → leaf).
  std::vector<std::pair<std::string, std::map<std::string, YamlLeaf>>> tenants;
};

// Parses `text` and checks its structure: YAML syntax, a map at the top, every key known (else
// `<full.path>: unknown field`), maps where sections are, no key given twice. Values are not
// parsed yet. An empty document is valid and has no leaves.
absl::StatusOr<YamlConfigDoc> ParseYamlConfig(std::string_view text);

// Sets the fields named in doc.leaves (everything but `overrides`). Errors name the key:
// `server.http_listen_port: invalid value "x": expected an integer`.
absl::Status ApplyYamlLeaves(const YamlConfigDoc& doc, Config* config);

// Replaces config->overrides with doc.tenants, each tenant's Limits being config->limits with the
// tenant's keys applied.
absl::Status ApplyTenantOverrides(const YamlConfigDoc& doc, Config* config);

}  // namespace strata::server

#endif  // STRATA_SERVER_CONFIG_YAML_H_
