#include "tsdb/wal/segment.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::wal {
namespace {

std::optional<int> ParseSegmentIndex(std::string_view name) {
  if (name.empty() || name.size() > 9) return std::nullopt;  // keeps the value in int range
  int v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Zero-fills `path` from `size` to the next page boundary and fsyncs it.
absl::Status PadToPage(Fs* fs, const std::string& path, uint64_t size) {
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, fs->NewAppendableFile(path));
  const uint64_t pad = (kPageSize - size % kPageSize) % kPageSize;
  absl::Status s = f->Append(std::string(pad, '\0'));
  if (s.ok()) s = f->Sync();
  if (absl::Status c = f->Close(); s.ok()) s = c;
  return s;
}

}  // namespace

std::string SegmentName(std::string_view dir, int index) {
  return JoinPath(dir, absl::StrFormat("%08d", index));
}

absl::StatusOr<std::vector<SegmentFile>> ListSegments(Fs* fs, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(dir));
  std::vector<SegmentFile> segs;
  for (const std::string& name : names) {
    std::optional<int> index = ParseSegmentIndex(name);
    if (index.has_value()) segs.push_back(SegmentFile{*index, JoinPath(dir, name)});
  }
  std::sort(segs.begin(), segs.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.index < b.index; });
  for (size_t i = 1; i < segs.size(); i++) {
    if (segs[i].index != segs[i - 1].index + 1) {
      return absl::DataLossError(StrCat("segments are not sequential in ", dir, ": ",
                                        segs[i - 1].index, " is followed by ", segs[i].index));
    }
  }
  return segs;
}

absl::StatusOr<SegmentBounds> Segments(Fs* fs, const std::string& dir) {
  ASSIGN_OR_RETURN(std::vector<SegmentFile> segs, ListSegments(fs, dir));
  if (segs.empty()) return SegmentBounds{};
  return SegmentBounds{segs.front().index, segs.back().index};
}

absl::Status Repair(Fs* fs, const std::string& dir, Position pos) {
  ASSIGN_OR_RETURN(std::vector<SegmentFile> segs, ListSegments(fs, dir));
  // Highest first: a crash part-way leaves a consecutive sequence of segments.
  for (auto it = segs.rbegin(); it != segs.rend() && it->index > pos.segment; ++it) {
    RETURN_IF_ERROR_CTX(fs->RemoveFile(it->path), "repair WAL");
  }
  const std::string path = SegmentName(dir, pos.segment);
  ASSIGN_OR_RETURN(uint64_t size, fs->FileSize(path));
  if (pos.offset > size) {
    return absl::InvalidArgumentError(
        StrCat("repair WAL: offset ", pos.offset, " is past the end of ", path, " (", size, ")"));
  }
  RETURN_IF_ERROR_CTX(fs->Truncate(path, pos.offset), "repair WAL");
  RETURN_IF_ERROR_CTX(PadToPage(fs, path, pos.offset), "repair WAL");
  return fs->SyncDir(dir);
}

}  // namespace strata::tsdb::wal
