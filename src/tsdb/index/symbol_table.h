// The symbol table of an index file, read in place (prometheus-tsdb-formats.md §4.2).
//
// Keeps the offset of every symbol (4 bytes per symbol) so that resolving a symbol reference,
// which Series() does twice per label, is one array access and a varint decode.
// Immutable after Parse; safe to share between threads.
#ifndef STRATA_TSDB_INDEX_SYMBOL_TABLE_H_
#define STRATA_TSDB_INDEX_SYMBOL_TABLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::tsdb::index {

class SymbolTable {
 public:
  SymbolTable() = default;

  // Parses the table at `offset` of `file`: checks the frame and CRC, the symbol count and that
  // symbols strictly increase. DataLoss naming the offset otherwise. The views it hands out point
  // into `file`, which must outlive the table.
  static absl::StatusOr<SymbolTable> Parse(std::string_view file, uint64_t offset);

  size_t size() const { return offsets_.size(); }
  // The symbol with reference `ref`; DataLoss if out of range.
  absl::StatusOr<std::string_view> Lookup(uint32_t ref) const;
  // REQUIRES: i < size().
  std::string_view At(uint32_t i) const;
  // The reference of `s`, or NotFound.
  absl::StatusOr<uint32_t> ReverseLookup(std::string_view s) const;

 private:
  std::string_view data_;          // the entries (after the count)
  std::vector<uint32_t> offsets_;  // start of each entry in data_
  uint64_t file_offset_ = 0;       // where the table starts in the file, for messages
};

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_SYMBOL_TABLE_H_
