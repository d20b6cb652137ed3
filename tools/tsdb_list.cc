#include "tools/tsdb_list.h"

#include <algorithm>

#include "tools/block_dir.h"
#include "tools/go_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tools {
namespace {

constexpr size_t kMinWidth = 13;
constexpr size_t kPadding = 2;

std::string Time(int64_t ms, bool human_readable) {
  return human_readable ? FormatUtcSeconds(ms) : std::to_string(ms);
}

}  // namespace

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); i++) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); i++) {
      out += row[i];
      if (i + 1 == row.size()) break;
      const size_t width = std::max(kMinWidth, widths[i] + kPadding);
      out.append(width - row[i].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

absl::StatusOr<std::string> ListBlocks(Fs* fs, const std::string& dir, bool human_readable) {
  ASSIGN_OR_RETURN(auto blocks, OpenBlocks(fs, dir));
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS",
                  "NUM SERIES", "SIZE"});
  for (const auto& b : blocks) {
    const auto& m = b->meta();
    rows.push_back(
        {m.ulid.ToString(), Time(m.min_time, human_readable), Time(m.max_time, human_readable),
         FormatGoDuration(m.max_time - m.min_time), std::to_string(m.stats.num_samples),
         std::to_string(m.stats.num_chunks), std::to_string(m.stats.num_series),
         human_readable ? FormatBase2Bytes(b->size_bytes()) : std::to_string(b->size_bytes())});
  }
  return FormatTable(rows);
}

}  // namespace strata::tools
