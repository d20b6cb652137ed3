// Writing blocks from any readable data (Prometheus tsdb/compact.go, `write`): the head's in-order
// data, its OOO data, or several blocks being merged. The data is read through a
// storage::Querier, sorted by labels and merged by time (one sample per timestamp), and
// re-encoded into XOR chunks of at most 120 samples.
#ifndef STRATA_TSDB_COMPACT_COMPACTOR_H_
#define STRATA_TSDB_COMPACT_COMPACTOR_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/storage.h"
#include "tsdb/block/meta.h"
#include "util/fs.h"

namespace strata::tsdb::compact {

// Writes every sample `q` holds in [mint, maxt] (closed) into a new block in `parent_dir`.
// `meta` supplies ulid, the block's time range (half-open) and compaction info; stats are
// computed. Returns nullopt, writing nothing, if there is no sample (Prometheus writes no empty
// blocks). On error nothing is left behind.
absl::StatusOr<std::optional<block::BlockMeta>> WriteBlock(Fs* fs, const std::string& parent_dir,
                                                           storage::Querier& q, int64_t mint,
                                                           int64_t maxt, block::BlockMeta meta);

}  // namespace strata::tsdb::compact

#endif  // STRATA_TSDB_COMPACT_COMPACTOR_H_
