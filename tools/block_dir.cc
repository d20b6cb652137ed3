#include "tools/block_dir.h"

#include <algorithm>

#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tools {

using tsdb::block::Block;

absl::StatusOr<std::vector<std::shared_ptr<Block>>> OpenBlocks(Fs* fs, const std::string& dir) {
  if (!fs->Exists(dir)) return absl::NotFoundError(StrCat("open ", dir, ": no such directory"));
  if (!fs->IsDirectory(dir)) {
    return absl::InvalidArgumentError(StrCat("open ", dir, ": not a directory"));
  }
  std::vector<std::shared_ptr<Block>> blocks;
  if (fs->Exists(JoinPath(dir, tsdb::block::kMetaFilename))) {
    ASSIGN_OR_RETURN(auto b, Block::Open(fs, dir));
    blocks.push_back(std::move(b));
    return blocks;
  }
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(dir));
  for (const std::string& name : names) {
    const std::string path = JoinPath(dir, name);
    if (!tsdb::block::Ulid::Parse(name).has_value() || !fs->IsDirectory(path)) continue;
    // A block without a readable meta.json is not a block to Prometheus: it skips it.
    if (!tsdb::block::ReadMeta(fs, path).ok()) continue;
    auto b = Block::Open(fs, path);
    if (!b.ok()) return Annotate(b.status(), StrCat("corrupted block ", name));
    blocks.push_back(*std::move(b));
  }
  std::sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
    if (a->meta().min_time != b->meta().min_time) return a->meta().min_time < b->meta().min_time;
    return a->meta().ulid < b->meta().ulid;
  });
  return blocks;
}

}  // namespace strata::tools
