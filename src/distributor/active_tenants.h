// The tenants that pushed recently (Cortex's distributor activeUsers): when each was last seen, so
// the distributor can drop what it keeps per tenant — rate-limiter buckets and per-user metric
// series — once a tenant stops writing. Without it a distributor that met a million tenants
// would keep a million of each forever, the distributor's share of the leak this project exists
// to end.
#ifndef STRATA_DISTRIBUTOR_ACTIVE_TENANTS_H_
#define STRATA_DISTRIBUTOR_ACTIVE_TENANTS_H_

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace strata::distributor {

class ActiveTenants {
 public:
  // Records a push of `tenant` at `now_ms`. Allocates only the first time a tenant is seen.
  void Touch(std::string_view tenant, int64_t now_ms);
  // Forgets and returns the tenants not seen for at least `inactive_ms` before `now_ms`.
  std::vector<std::string> PurgeInactive(int64_t now_ms, int64_t inactive_ms);
  size_t size() const;

 private:
  // Sharded so concurrent pushes of different tenants rarely meet on a lock.
  static constexpr size_t kShards = 16;
  struct alignas(64) Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, int64_t> last_seen_ms ABSL_GUARDED_BY(mu);
  };
  Shard& ShardFor(std::string_view tenant);

  std::array<Shard, kShards> shards_;
};

}  // namespace strata::distributor

#endif  // STRATA_DISTRIBUTOR_ACTIVE_TENANTS_H_
