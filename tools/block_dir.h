// Finding and opening the blocks the tools read, without touching anything else in a data
// directory: no head replay, no lock, no files created (unlike tsdb::DB::Open).
#ifndef STRATA_TOOLS_BLOCK_DIR_H_
#define STRATA_TOOLS_BLOCK_DIR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tsdb/block/block.h"
#include "util/fs.h"

namespace strata::tools {

// Opens the blocks under `dir`, sorted by min time (then ULID):
// - if `dir` itself holds meta.json it is one block directory, and that block is returned;
// - otherwise `dir` is a data directory, and every sub-directory named by a ULID is opened.
//   As in promtool, a sub-directory whose meta.json is missing, unparsable or of another version
//   is skipped silently; any other damage is an error naming the block ("corrupted block <ULID>:").
// NotFound if `dir` does not exist, InvalidArgument if it is not a directory.
// REQUIRES: `fs` outlives the blocks.
absl::StatusOr<std::vector<std::shared_ptr<tsdb::block::Block>>> OpenBlocks(Fs* fs,
                                                                            const std::string& dir);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_BLOCK_DIR_H_
