// The postings offset table of an index file, read in place (prometheus-tsdb-formats.md §4.7).
//
// Like Prometheus 2.42 it keeps, per label name, only every 32nd value (and the last one) with
// the position of its entry; a lookup binary-searches those samples and scans forward at most 31
// entries. Memory is therefore ~1/32 of the entries, and no string is copied: the views point
// into the mapped file. Immutable after Parse; safe to share between threads.
#ifndef STRATA_TSDB_INDEX_POSTINGS_TABLE_H_
#define STRATA_TSDB_INDEX_POSTINGS_TABLE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata::tsdb::index {

class PostingsTable {
 public:
  PostingsTable() = default;

  // Parses the table at `offset` of `file`: checks the frame and CRC, that every entry has two
  // keys and that entries strictly increase by (name, value). DataLoss naming the offset
  // otherwise. `file` must outlive the table.
  static absl::StatusOr<PostingsTable> Parse(std::string_view file, uint64_t offset);

  // Label names in order, including "" (the all-postings key) if present.
  std::vector<std::string_view> Names() const;

  // Calls fn(value, postings_offset) for every value of `name`, in order. Stops early (OK) when
  // fn returns false. An unknown name calls nothing.
  absl::Status ForEachValue(std::string_view name,
                            const std::function<bool(std::string_view, uint64_t)>& fn) const;

  // The offset of the postings list of (name, value), or nullopt if there is none.
  absl::StatusOr<std::optional<uint64_t>> Find(std::string_view name, std::string_view value) const;

 private:
  struct Sample {
    std::string_view value;
    uint64_t entry;  // file offset of the table entry holding this value
  };
  struct NameSamples {
    std::string_view name;
    std::vector<Sample> samples;  // every 32nd value of the name, and its last one
    uint64_t end = 0;             // file offset just past the name's last entry
  };
  struct Entry {
    std::string_view name;
    std::string_view value;
    uint64_t postings_offset = 0;
  };

  const NameSamples* FindName(std::string_view name) const;
  // Scans entries of `ns` starting at file offset `from`.
  absl::Status Scan(const NameSamples& ns, uint64_t from,
                    const std::function<bool(const Entry&)>& fn) const;
  static bool DecodeEntry(std::string_view file, uint64_t* pos, uint64_t end, Entry* e);

  std::string_view file_;
  std::vector<NameSamples> names_;  // sorted by name
};

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_POSTINGS_TABLE_H_
