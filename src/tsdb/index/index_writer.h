// Writes an index file, format v2, byte for byte as Prometheus 2.42 does
// (prometheus-tsdb-formats.md §4, writer algorithm §4.10).
//
// Usage: Open → AddSymbol for every symbol, in strictly increasing byte order → AddSeries for
// every series, in strictly increasing label-set order (§4.9) → Close.
//
// Series entries are streamed to the file as they are added. In memory the writer keeps the
// symbol table (encoded), and per label pair the list of series references for the postings
// (4 bytes per series and label); the all-postings list (4 bytes per series).
// An IndexWriter is used by one thread at a time.
#ifndef STRATA_TSDB_INDEX_INDEX_WRITER_H_
#define STRATA_TSDB_INDEX_INDEX_WRITER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "labels/labels.h"
#include "tsdb/chunks/chunk_meta.h"
#include "tsdb/index/index_format.h"
#include "util/fs.h"

namespace strata::tsdb::index {

class IndexWriter {
 public:
  // Creates (truncates) the file at `path` and writes the header. REQUIRES: `fs` outlives the
  // writer.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(Fs* fs, std::string path);

  // Closes the file without finishing it if Close() was not called (the file is then invalid).
  ~IndexWriter();
  IndexWriter(const IndexWriter&) = delete;
  IndexWriter& operator=(const IndexWriter&) = delete;

  // Adds the next symbol. Every label name and value of every series must be added.
  // InvalidArgument unless `symbol` sorts strictly after the previous one;
  // FailedPrecondition after the first AddSeries.
  absl::Status AddSymbol(std::string_view symbol);

  // Adds the next series with its chunks (sorted by time, refs increasing: §4.3).
  // `ref` is the caller's identifier for the series; it must not decrease from call to call (it
  // is not stored: the index's own series reference is the entry's offset / 16).
  // InvalidArgument if `lset` is empty, has an empty name, does not sort strictly after the
  // previous series, uses a string that was not added as a symbol, or `ref` decreased.
  absl::Status AddSeries(uint64_t ref, const labels::Labels& lset,
                         std::span<const chunks::ChunkMeta> chunks);

  // Writes label indices, postings, the label offset table, the postings offset table and the
  // TOC, then syncs and closes the file. After any error the writer is broken: this and every
  // later call return that first error.
  absl::Status Close();

  // Bytes written so far (the file size after Close).
  uint64_t size_bytes() const { return pos_; }

 private:
  enum class Stage { kSymbols, kSeries, kDone };

  IndexWriter(std::string path, std::unique_ptr<WritableFile> file)
      : path_(std::move(path)), file_(std::move(file)) {}

  absl::Status DoAddSeries(uint64_t ref, const labels::Labels& lset,
                           std::span<const chunks::ChunkMeta> chunks);
  absl::Status EncodeSeries(const labels::Labels& lset, std::span<const chunks::ChunkMeta> chunks);
  absl::Status DoClose();
  absl::Status WriteSymbols();
  absl::Status WriteLabelIndices(const std::vector<uint64_t>& keys);
  absl::Status WritePostings(const std::vector<uint64_t>& keys, std::vector<uint64_t>* offsets);
  absl::Status WritePostingsList(std::span<const uint32_t> refs);
  absl::Status WriteLabelOffsetTable(const std::vector<uint64_t>& keys);
  absl::Status WritePostingsOffsetTable(const std::vector<uint64_t>& keys,
                                        const std::vector<uint64_t>& offsets);

  std::string_view SymbolAt(uint32_t i) const;
  // The reference of `s`, or -1 if it is not a symbol.
  int64_t FindSymbol(std::string_view s) const;

  // Raw output.
  absl::Status Write(std::string_view b);
  absl::Status PadTo(uint64_t alignment);
  // A framed section: be32 len ‖ content ‖ be32 crc32c(content); streamed in pieces.
  absl::Status BeginSection(uint64_t content_len);
  absl::Status SectionAppend(std::string_view b);
  absl::Status EndSection();

  const std::string path_;
  std::unique_ptr<WritableFile> file_;
  uint64_t pos_ = 0;
  Stage stage_ = Stage::kSymbols;
  Toc toc_;

  std::string symbols_;                   // encoded symbol entries: uvarint len ‖ bytes
  std::vector<uint32_t> symbol_offsets_;  // where each entry starts in symbols_

  labels::Labels last_series_;
  std::vector<uint64_t> last_keys_;  // postings keys of last_series_, label by label
  uint64_t last_ref_ = 0;
  std::vector<uint32_t> all_postings_;
  // (name symbol ref << 32 | value symbol ref) → series references. Symbol refs sort as their
  // strings do, so sorting these keys gives the (name, value) order of §4.5.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> postings_;

  std::vector<uint64_t> label_index_offsets_;  // one per label name, in name order

  std::string buf_;                    // scratch: one series entry, or a piece of a section
  std::vector<uint64_t> series_keys_;  // scratch: postings keys of one series
  std::string section_buf_;            // pending content of the current framed section
  uint32_t section_crc_ = 0;
  uint64_t section_left_ = 0;  // content bytes the current section still expects
  absl::Status status_;        // sticky first error
};

}  // namespace strata::tsdb::index

#endif  // STRATA_TSDB_INDEX_INDEX_WRITER_H_
