// `strata tsdb list`: one line per block, the table `promtool tsdb list` prints
// (prometheus-tsdb-formats.md §10.1):
//   BLOCK ULID  MIN TIME  MAX TIME  DURATION  NUM SAMPLES  NUM CHUNKS  NUM SERIES  SIZE
// aligned like Go's tabwriter (cell width = max(13, widest cell + 2); the last column unpadded).
#ifndef STRATA_TOOLS_TSDB_LIST_H_
#define STRATA_TOOLS_TSDB_LIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "util/fs.h"

namespace strata::tools {

// The table for the blocks under `dir` (a block or a data directory; see OpenBlocks), sorted by
// min time. `human_readable`: times as "2023-11-14 22:13:20 +0000 UTC" and sizes as "1KiB595B"
// (promtool's -r). Stats come from meta.json; SIZE is the bytes on disk (Block::size_bytes).
absl::StatusOr<std::string> ListBlocks(Fs* fs, const std::string& dir, bool human_readable);

// Aligns rows of cells as Go's text/tabwriter with minwidth 13 and padding 2 pads with spaces:
// every column but the last is padded to max(13, its widest cell + 2) bytes. Each row ends in "\n".
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_TSDB_LIST_H_
