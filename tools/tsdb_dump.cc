#include "tools/tsdb_dump.h"

#include "storage/merge.h"
#include "tools/block_dir.h"
#include "util/float_format.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tools {
namespace {

constexpr size_t kFlushBytes = 64 << 10;

// Prints one series' samples into `buf`, handing full buffers to `sink`.
absl::Status WriteSeries(const storage::Series& series, std::string* buf, const DumpSink& sink) {
  const std::string lbls = series.labels().ToString();
  std::unique_ptr<storage::SeriesIterator> it = series.Iterator();
  while (it->Next()) {
    const storage::Sample s = it->At();
    buf->append(lbls);
    buf->push_back(' ');
    AppendGoG(buf, s.v);
    StrAppend(buf, " ", s.t, "\n");
    if (buf->size() >= kFlushBytes) {
      sink(*buf);
      buf->clear();
    }
  }
  return Annotate(it->status(), StrCat("series ", lbls));
}

}  // namespace

absl::Status WriteDump(storage::SeriesSet& set, const DumpSink& sink) {
  std::string buf;
  buf.reserve(kFlushBytes + 1024);
  absl::Status s;
  while (s.ok() && set.Next()) s = WriteSeries(set.At(), &buf, sink);
  if (s.ok()) s = set.status();
  if (!buf.empty()) sink(buf);
  return s;
}

absl::Status DumpQuerier(storage::Querier& q, const DumpOptions& opts, const DumpSink& sink) {
  storage::SelectHints hints;
  hints.start_ms = opts.min_time;
  hints.end_ms = opts.max_time;
  std::unique_ptr<storage::SeriesSet> set = q.Select(/*sorted=*/true, hints, opts.matchers);
  return WriteDump(*set, sink);
}

absl::Status DumpBlocks(Fs* fs, const std::string& dir, const DumpOptions& opts,
                        const DumpSink& sink) {
  if (opts.min_time > opts.max_time) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto blocks, OpenBlocks(fs, dir));
  std::vector<std::unique_ptr<storage::Querier>> queriers;
  for (const auto& b : blocks) {
    // Blocks are half-open [min, max); the dump range is closed.
    if (b->meta().min_time <= opts.max_time && b->meta().max_time > opts.min_time) {
      queriers.push_back(b->Querier(opts.min_time, opts.max_time));
    }
  }
  if (queriers.empty()) return absl::OkStatus();
  std::unique_ptr<storage::Querier> q = storage::MergeQueriers(std::move(queriers));
  return DumpQuerier(*q, opts, sink);
}

}  // namespace strata::tools
