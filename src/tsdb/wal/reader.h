// Reads the records of a write-ahead log (prometheus-tsdb-formats.md §6.2): reassembles
// fragments, checks CRCs and the fragment type sequence, and snappy-decodes compressed records.
//
// How a read ends:
//  - After the last record: Next() returns false, status() OK.
//  - A torn tail: the last non-empty segment of the directory ends inside a record (a header, a
//    fragment's data or a FIRST without its LAST were cut off by a crash during the write). The
//    incomplete record is not returned; status() stays OK and torn_tail() says where it began.
//    Such a record was never acknowledged, so nothing committed is lost. Zero padding at the end of
//    a page or file is not a torn tail; it is skipped.
//  - Corruption: a CRC mismatch, a bad fragment sequence or header, non-zero page padding, bad
//    snappy data, or a record cut off at the end of a segment that is followed by segments with
//    data (records never span segments, and Wal::Open repairs torn tails before writing on).
//    status() is DataLoss naming the segment index, path and byte offset of the bad bytes (like
//    Prometheus's CorruptionErr), and corruption() gives the position of the record that failed;
//    Repair(fs, dir, *corruption()) keeps exactly the records read before it.
#ifndef STRATA_TSDB_WAL_READER_H_
#define STRATA_TSDB_WAL_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tsdb/wal/segment.h"
#include "util/fs.h"

namespace strata::tsdb::wal {

// Segments first..last of the log in `dir`. -1 means from the first / up to the last segment
// present. Segments of the range that do not exist are skipped (e.g. below a checkpoint).
struct SegmentRange {
  std::string dir;
  int first = -1;
  int last = -1;
};

struct ReaderOptions {
  // Snappy-decode compressed records. false: return them as stored (still CRC-checked), which
  // is enough to validate a log's framing without paying for decompression.
  bool decompress = true;
};

// Not thread-safe. Reads the segments as they are when Open lists them: not a reader for a log
// that is still being written (no live tailing).
class Reader {
 public:
  // Lists the segments of the range (ListSegments errors pass through); opens no file yet.
  static absl::StatusOr<std::unique_ptr<Reader>> Open(Fs* fs, const SegmentRange& range,
                                                      const ReaderOptions& options = {});
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Advances to the next record. false at the end or on error (then check status()).
  bool Next();
  // The current record's bytes (decompressed). Valid until the next call of Next() or the
  // Reader's destruction.
  std::string_view record() const { return record_; }
  // Where the current record starts (its first fragment's header).
  Position position() const { return record_start_; }

  // Sticky: OK until an error ends the read.
  const absl::Status& status() const { return status_; }
  // Set with a DataLoss status(): where the bad record (or bad bytes between records) begins.
  const std::optional<Position>& corruption() const { return corruption_; }
  // Set when the read ended at an incomplete last record; where that record begins.
  const std::optional<Position>& torn_tail() const { return torn_tail_; }

 private:
  struct Segment {
    SegmentFile file;
    bool data_after = false;  // a later segment of the directory is non-empty
  };
  struct Fragment {
    FragmentType type;
    bool compressed;
    std::string_view data;
    uint64_t offset;  // of the header in the segment
  };
  enum class Step { kFragment, kSkipped, kStop };

  Reader(Fs* fs, std::vector<Segment> segments, const ReaderOptions& options)
      : fs_(fs), options_(options), segments_(std::move(segments)) {}

  bool OpenSegment();
  static const char* CheckHeader(uint8_t header, bool in_record);
  Step ReadFragment(bool in_record, Fragment* frag);
  // Skips zero padding up to the page end. `in_record`: a FIRST fragment was read.
  bool SkipPadding(bool in_record);
  // Ends the read at an incomplete record starting at `start`: a torn tail or corruption.
  Step EndIncomplete(Position start);
  bool Fail(Position at, uint64_t bad_offset, std::string_view what);
  bool Finish(bool compressed, std::string_view data);

  Fs* const fs_;
  const ReaderOptions options_;
  const std::vector<Segment> segments_;
  size_t cur_ = 0;                          // index into segments_
  std::unique_ptr<ReadOnlyRegion> region_;  // the mapped current segment; null before opening
  std::string_view data_;                   // its bytes
  uint64_t off_ = 0;                        // read offset in data_
  Position record_start_;
  std::string assembled_;     // fragments of a multi-fragment record
  std::string decompressed_;  // snappy output
  std::string_view record_;
  absl::Status status_;
  bool done_ = false;
  std::optional<Position> corruption_;
  std::optional<Position> torn_tail_;
};

}  // namespace strata::tsdb::wal

#endif  // STRATA_TSDB_WAL_READER_H_
