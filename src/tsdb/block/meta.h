// BlockMeta: a block's meta.json (prometheus-tsdb-formats.md §1.4, time ranges §1.5).
//
// EncodeMeta reproduces Prometheus's bytes exactly (Go's JSON indenter: TAB indentation, keys in
// a fixed order, zero-valued optional keys omitted, no trailing newline), so golden tests can
// compare files. DecodeMeta ignores unknown keys (Thanos/Cortex add a "thanos" object).
#ifndef STRATA_TSDB_BLOCK_META_H_
#define STRATA_TSDB_BLOCK_META_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/block/ulid.h"
#include "util/fs.h"

namespace strata::tsdb::block {

inline constexpr char kMetaFilename[] = "meta.json";
inline constexpr int64_t kMetaVersion1 = 1;
// compaction.hints entry of blocks written by out-of-order compaction (§7.7).
inline constexpr char kHintFromOutOfOrder[] = "from-out-of-order";

// A block named in compaction.parents.
struct BlockDesc {
  Ulid ulid;
  int64_t min_time = 0;
  int64_t max_time = 0;

  friend bool operator==(const BlockDesc&, const BlockDesc&) = default;
};

// "stats": printed verbatim by promtool, so keep them exact. Zero counters are omitted.
struct BlockStats {
  uint64_t num_samples = 0;
  uint64_t num_series = 0;
  uint64_t num_chunks = 0;
  uint64_t num_tombstones = 0;  // number of tombstone intervals

  friend bool operator==(const BlockStats&, const BlockStats&) = default;
};

// "compaction". Empty lists and false flags are omitted from the JSON.
struct BlockMetaCompaction {
  // 1 for blocks cut from a head (in-order or OOO); a merge gets max(parent levels) + 1.
  int64_t level = 0;
  // ULIDs of every level-1 block whose data this block holds, sorted ascending (callers sort;
  // EncodeMeta writes the order given). A level-1 block lists itself.
  std::vector<Ulid> sources;
  // Prometheus deletes a block marked deletable when it reloads.
  bool deletable = false;
  // The blocks merged directly into this one. Prometheus DELETES every block listed here.
  std::vector<BlockDesc> parents;
  // A compaction involving this block failed; it is left out of planning.
  bool failed = false;
  // Sorted strings, e.g. kHintFromOutOfOrder.
  std::vector<std::string> hints;

  bool FromOutOfOrder() const;
  // Adds kHintFromOutOfOrder unless present, keeping hints sorted.
  void SetOutOfOrder();

  friend bool operator==(const BlockMetaCompaction&, const BlockMetaCompaction&) = default;
};

struct BlockMeta {
  Ulid ulid;             // equals the block directory's name
  int64_t min_time = 0;  // inclusive, ms
  int64_t max_time = 0;  // exclusive, ms
  BlockStats stats;
  BlockMetaCompaction compaction;
  int64_t version = kMetaVersion1;

  friend bool operator==(const BlockMeta&, const BlockMeta&) = default;
};

// The meta.json bytes Prometheus would write for `meta`. Strings are escaped as Go escapes them
// (including <, >, & and U+2028/U+2029; invalid UTF-8 becomes U+FFFD).
std::string EncodeMeta(const BlockMeta& meta);

// Parses meta.json. Required keys: "ulid", "minTime", "maxTime" and "version", which must be 1;
// a missing "stats"/"compaction" or optional key reads as zero, null as absent, unknown keys are
// ignored. Any problem (malformed JSON, a wrong type, an invalid ULID, a number out of range, an
// unexpected version) is DataLoss naming the field. Never throws.
absl::StatusOr<BlockMeta> DecodeMeta(std::string_view json);

// Writes `<block_dir>/meta.json` crash-safely (meta.json.tmp → fsync → rename → fsync dir) and
// returns its size. On error the previous meta.json, if any, is left unchanged.
absl::StatusOr<uint64_t> WriteMeta(Fs* fs, const std::string& block_dir, const BlockMeta& meta);

// Reads and decodes `<block_dir>/meta.json`; errors name the file (NotFound if it is missing,
// DataLoss as in DecodeMeta). Does not check that the ULID equals the directory name.
absl::StatusOr<BlockMeta> ReadMeta(Fs* fs, const std::string& block_dir);

}  // namespace strata::tsdb::block

#endif  // STRATA_TSDB_BLOCK_META_H_
