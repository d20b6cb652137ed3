// `strata tsdb dump`: every sample of a set of blocks as text, byte for byte what
// `promtool tsdb dump` prints (prometheus-tsdb-formats.md §10.3):
//   {__name__="up", job="a"} 1 1700000000000
// one line per sample: labels (Labels::ToString), a space, the value in Go's %g (FormatGoG), a
// space, the timestamp in ms. Series in label order, samples in time order, the data of
// overlapping blocks merged (one sample per timestamp).
#ifndef STRATA_TOOLS_TSDB_DUMP_H_
#define STRATA_TOOLS_TSDB_DUMP_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "labels/matcher.h"
#include "storage/storage.h"
#include "util/fs.h"

namespace strata::tools {

struct DumpOptions {
  // The time range to print, closed [min_time, max_time] (promtool's defaults: everything).
  int64_t min_time = INT64_MIN;
  int64_t max_time = INT64_MAX;
  // Series must match all of these; empty: every series.
  std::vector<labels::Matcher> matchers;
};

// Receives the output in pieces (up to about 64 KiB each).
using DumpSink = std::function<void(std::string_view)>;

// Prints every sample of `set` (series in the order given, which the caller sorts). Stops at the
// first error of the set or of a series' iterator and returns it; what was printed before stays
// printed. Unlike promtool (§10.3 gotcha 3), a damaged chunk is an error, not a silent truncation.
absl::Status WriteDump(storage::SeriesSet& set, const DumpSink& sink);

// Selects from `q` (sorted, within opts' range and matchers) and prints it with WriteDump.
absl::Status DumpQuerier(storage::Querier& q, const DumpOptions& opts, const DumpSink& sink);

// Dumps the blocks under `dir` (a block directory or a data directory; see OpenBlocks). Reads
// blocks only: the head (wal/, wbl/, chunks_head/) of a data directory is not replayed, and
// nothing is written into `dir`. REQUIRES: `fs` outlives the call.
absl::Status DumpBlocks(Fs* fs, const std::string& dir, const DumpOptions& opts,
                        const DumpSink& sink);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_TSDB_DUMP_H_
