// Reads an index file, format v2, in place from a memory mapping (prometheus-tsdb-formats.md §4,
// checks of §4.11, algorithm of §4.12).
//
// Open verifies the header, the TOC, the symbol table and the postings offset table. Series
// entries and postings lists are verified (CRC, lengths) when they are read. Every corruption is
// reported as DataLoss naming the section and file offset; nothing on disk can crash the reader.
//
// Returned string_views and postings iterators point into the mapping and stay valid as long as
// the reader. A reader is immutable after Open and safe to use from many threads.
#ifndef STRATA_TSDB_INDEX_INDEX_READER_H_
#define STRATA_TSDB_INDEX_INDEX_READER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/labels.h"
#include "tsdb/chunks/chunk_meta.h"
#include "tsdb/index/index_format.h"
#include "tsdb/index/postings.h"
#include "tsdb/index/postings_table.h"
#include "tsdb/index/symbol_table.h"
#include "util/fs.h"

namespace strata::tsdb::index {

class IndexReader {
 public:
  // Maps and opens the index at `path`. Version 1 indexes are rejected (Unimplemented).
  // REQUIRES: `fs` outlives the call.
  static absl::StatusOr<std::unique_ptr<IndexReader>> Open(Fs* fs, const std::string& path);
  // Opens an index already in memory. `name` is used in messages. The region is owned.
  static absl::StatusOr<std::unique_ptr<IndexReader>> Open(std::unique_ptr<ReadOnlyRegion> region,
                                                           std::string name);

  IndexReader(const IndexReader&) = delete;
  IndexReader& operator=(const IndexReader&) = delete;

  uint64_t size_bytes() const { return data_.size(); }
  const Toc& toc() const { return toc_; }

  // All symbols, sorted (views into the file).
  std::vector<std::string_view> Symbols() const;
  // The symbol with reference `ref`; DataLoss if out of range.
  absl::StatusOr<std::string_view> LookupSymbol(uint32_t ref) const { return symbols_.Lookup(ref); }

  // Sorted label names of all series (without the all-postings key "").
  std::vector<std::string_view> LabelNames() const;
  // Sorted values of `name` (empty if the name is unknown).
  absl::StatusOr<std::vector<std::string_view>> LabelValues(std::string_view name) const;

  // The union of the postings lists of (name, v) for each v in `values` (any order; unknown
  // values contribute nothing). Reads and verifies each list (CRC, length).
  absl::StatusOr<std::unique_ptr<index::Postings>> Postings(
      std::string_view name, std::span<const std::string_view> values) const;
  absl::StatusOr<std::unique_ptr<index::Postings>> Postings(std::string_view name,
                                                            std::string_view value) const {
    return Postings(name, std::span<const std::string_view>(&value, 1));
  }
  // Every series in the index (the list of the all-postings key, §4.5).
  absl::StatusOr<std::unique_ptr<index::Postings>> AllPostings() const {
    return Postings(kAllPostingsName, kAllPostingsValue);
  }

  // Decodes the series with reference `ref` (from a postings list): its labels into `*lset` and
  // its chunk metas into `*chks` (cleared first). DataLoss on a bad reference or entry.
  absl::Status Series(uint64_t ref, labels::Labels* lset,
                      std::vector<chunks::ChunkMeta>* chks) const;

 private:
  IndexReader(std::unique_ptr<ReadOnlyRegion> region, std::string name)
      : region_(std::move(region)), data_(region_->data()), name_(std::move(name)) {}

  absl::Status Init();
  // The be32 references of the postings list at `offset`, verified.
  absl::StatusOr<std::string_view> PostingsListAt(uint64_t offset) const;
  absl::Status DecodeSeries(std::string_view body, labels::Labels* lset,
                            std::vector<chunks::ChunkMeta>* chks) const;
  absl::Status Corrupt(std::string_view what, uint64_t offset) const;

  const std::unique_ptr<ReadOnlyRegion> region_;
  const std::string_view data_;
  const std::string name_;
  Toc toc_;
  SymbolTable symbols_;
  PostingsTable postings_table_;
};

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_INDEX_READER_H_
