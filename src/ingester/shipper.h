// Shipping blocks to object storage (Thanos shipper, as Cortex's ingester uses it). The bucket is a
// directory (blocks_storage.backend: filesystem): blocks are copied to <bucket>/<tenant>/<ULID>/,
// and <tenant dir>/thanos.shipper.json lists what was uploaded ({"version": 1, "uploaded": [...]}).
//
// An upload goes to <bucket>/<tenant>/<ULID>.tmp first and is renamed when complete, so a reader of
// the bucket never sees half a block; meta.json is copied last, as Thanos does.
#ifndef STRATA_INGESTER_SHIPPER_H_
#define STRATA_INGESTER_SHIPPER_H_

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "tsdb/block/block.h"
#include "util/fs.h"

namespace strata::ingester {

inline constexpr char kShipperMetaFile[] = "thanos.shipper.json";

// Reads <tenant_dir>/thanos.shipper.json; a missing file means nothing was shipped.
absl::StatusOr<std::set<std::string>> ReadShipped(Fs* fs, const std::string& tenant_dir);

class Shipper {
 public:
  // `bucket_dir`: the bucket root; blocks go under <bucket_dir>/<tenant>/.
  Shipper(Fs* fs, std::string bucket_dir, std::string tenant, std::string tenant_dir)
      : fs_(fs), bucket_dir_(std::move(bucket_dir)), tenant_(std::move(tenant)),
        tenant_dir_(std::move(tenant_dir)) {}

  // Uploads every block not yet shipped; returns how many were uploaded. Stops at the first
  // failure (what was uploaded before stays recorded).
  absl::StatusOr<int> Sync(const std::vector<std::shared_ptr<tsdb::block::Block>>& blocks);

  // Creation time (ms, from the ULID, as Cortex reports it) of the oldest of `blocks` not shipped
  // yet; 0 if every one is. Uses what the last Sync saw (the meta file before the first).
  int64_t OldestUnshippedMs(const std::vector<std::shared_ptr<tsdb::block::Block>>& blocks);

 private:
  absl::Status Upload(const tsdb::block::Block& b);
  absl::Status WriteShipped(const std::set<std::string>& shipped);

  Fs* const fs_;
  const std::string bucket_dir_, tenant_, tenant_dir_;
  absl::Mutex mu_;
  std::optional<std::set<std::string>> shipped_ ABSL_GUARDED_BY(mu_);  // as last read or written
};

}  // namespace strata::ingester

#endif  // STRATA_INGESTER_SHIPPER_H_
