#include "distributor/active_tenants.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "util/strings.h"

namespace strata::distributor {

ActiveTenants::Shard& ActiveTenants::ShardFor(std::string_view tenant) {
  return shards_[absl::Hash<absl::string_view>{}(AbslView(tenant)) % kShards];
}

void ActiveTenants::Touch(std::string_view tenant, int64_t now_ms) {
  Shard& shard = ShardFor(tenant);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.last_seen_ms.find(AbslView(tenant));
  if (it == shard.last_seen_ms.end()) {
    shard.last_seen_ms.emplace(std::string(tenant), now_ms);
  } else {
    it->second = std::max(it->second, now_ms);
  }
}

std::vector<std::string> ActiveTenants::PurgeInactive(int64_t now_ms, int64_t inactive_ms) {
  std::vector<std::string> purged;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    for (auto it = shard.last_seen_ms.begin(); it != shard.last_seen_ms.end();) {
      if (now_ms - it->second >= inactive_ms) {
        purged.push_back(it->first);
        shard.last_seen_ms.erase(it++);
      } else {
        ++it;
      }
    }
  }
  return purged;
}

size_t ActiveTenants::size() const {
  size_t n = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    n += shard.last_seen_ms.size();
  }
  return n;
}

}  // namespace strata::distributor
