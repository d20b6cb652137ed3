// libFuzzer target: the WAL reader (tsdb::wal::Reader) over segment bytes, and every record it
// returns through the record decoder (tsdb::record::Decoder), as WAL replay does.
//
// The input is segment 00000000 of a log directory held in memory (an in-memory Fs whose mapped
// regions are exactly the file's size, so ASan sees any read past the end). An input of odd
// length gets a second, non-empty segment after it, which turns a torn tail into corruption.
//
// Each fragment carries a CRC32C, so almost every mutation would stop at the first CRC check.
// The input is therefore read twice: once as given, and once with every fragment header's CRC
// recomputed over the fragment's data, so the fuzzer also reaches fragment sequencing, snappy
// decoding and the record decoders.
//
// Invariants checked beyond "does not crash": a failed read reports DataLoss with corruption()
// set; a torn tail only comes with an OK status.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tsdb/record/record.h"
#include "tsdb/wal/reader.h"
#include "tsdb/wal/segment.h"
#include "util/crc32c.h"
#include "util/fs.h"

namespace {

namespace wal = strata::tsdb::wal;
namespace record = strata::tsdb::record;

constexpr char kDir[] = "/fuzz/wal";

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "wal_fuzz: invariant violated: %s\n", what);
  std::abort();
}

// A mapping that holds exactly the file's bytes in their own heap block.
class ExactRegion : public strata::ReadOnlyRegion {
 public:
  explicit ExactRegion(std::string_view bytes) : size_(bytes.size()) {
    if (size_ > 0) {
      data_ = std::make_unique<char[]>(size_);
      std::memcpy(data_.get(), bytes.data(), size_);
    }
  }
  std::string_view data() const override { return std::string_view(data_.get(), size_); }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_;
};

// One read-only directory of files; everything that would write fails.
class MemFs : public strata::Fs {
 public:
  void Add(const std::string& name, std::string bytes) { files_[name] = std::move(bytes); }

  absl::StatusOr<std::unique_ptr<strata::WritableFile>> NewWritableFile(
      const std::string& path) override {
    return absl::UnimplementedError("read-only");
  }
  absl::StatusOr<std::unique_ptr<strata::WritableFile>> NewAppendableFile(
      const std::string& path) override {
    return absl::UnimplementedError("read-only");
  }
  absl::StatusOr<std::unique_ptr<strata::ReadOnlyRegion>> MapFile(
      const std::string& path) override {
    const std::string* f = Find(path);
    if (f == nullptr) return absl::NotFoundError(path);
    return std::unique_ptr<strata::ReadOnlyRegion>(new ExactRegion(*f));
  }
  absl::StatusOr<std::string> ReadFile(const std::string& path) override {
    const std::string* f = Find(path);
    if (f == nullptr) return absl::NotFoundError(path);
    return *f;
  }
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    if (path != kDir) return absl::NotFoundError(path);
    std::vector<std::string> names;
    for (const auto& [name, bytes] : files_) names.push_back(name);
    return names;
  }
  absl::Status CreateDirs(const std::string& path) override { return ReadOnly(); }
  absl::Status RemoveFile(const std::string& path) override { return ReadOnly(); }
  absl::Status RemoveAll(const std::string& path) override { return ReadOnly(); }
  absl::Status Rename(const std::string& from, const std::string& to) override {
    return ReadOnly();
  }
  absl::Status SyncDir(const std::string& path) override { return ReadOnly(); }
  absl::Status Truncate(const std::string& path, uint64_t size) override { return ReadOnly(); }
  bool Exists(const std::string& path) override { return path == kDir || Find(path) != nullptr; }
  bool IsDirectory(const std::string& path) override { return path == kDir; }
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    const std::string* f = Find(path);
    if (f == nullptr) return absl::NotFoundError(path);
    return f->size();
  }

 private:
  static absl::Status ReadOnly() { return absl::UnimplementedError("read-only"); }
  const std::string* Find(const std::string& path) const {
    const std::string prefix = std::string(kDir) + "/";
    if (path.compare(0, prefix.size(), prefix) != 0) return nullptr;
    auto it = files_.find(path.substr(prefix.size()));
    return it == files_.end() ? nullptr : &it->second;
  }
  std::map<std::string, std::string> files_;
};

// Recomputes the CRC of every fragment header found by walking pages the way the format lays
// them out (§6.2): 7-byte headers, fragments never crossing a 32 KiB page, a zero type byte
// (page terminator) ending the page. Stops at the first header whose length runs past the page.
std::string FixCrcs(std::string seg) {
  uint64_t off = 0;
  while (off + wal::kFragmentHeaderSize <= seg.size()) {
    const uint64_t page_end = (off / wal::kPageSize + 1) * wal::kPageSize;
    if (page_end - off < wal::kFragmentHeaderSize || seg[off] == 0) {
      off = page_end;
      continue;
    }
    const auto* h = reinterpret_cast<const uint8_t*>(seg.data() + off);
    const uint64_t len = (uint64_t{h[1]} << 8) | h[2];
    const uint64_t end = off + wal::kFragmentHeaderSize + len;
    if (end > page_end || end > seg.size()) break;
    const uint32_t crc = strata::crc32c::Value(seg.data() + off + wal::kFragmentHeaderSize, len);
    seg[off + 3] = static_cast<char>(crc >> 24);
    seg[off + 4] = static_cast<char>(crc >> 16);
    seg[off + 5] = static_cast<char>(crc >> 8);
    seg[off + 6] = static_cast<char>(crc);
    off = end;
  }
  return seg;
}

// Decodes a record the way head replay does: by its type byte.
void DecodeRecord(std::string_view rec, record::Decoder* dec) {
  auto type = record::Type(rec);
  if (!type.ok()) return;
  switch (*type) {
    case record::RecordType::kSeries: {
      std::vector<record::RefSeries> out;
      (void)dec->Series(rec, &out);
      break;
    }
    case record::RecordType::kSamples: {
      std::vector<record::RefSample> out;
      (void)dec->Samples(rec, &out);
      break;
    }
    case record::RecordType::kTombstones: {
      std::vector<record::Stone> out;
      (void)dec->Tombstones(rec, &out);
      break;
    }
    case record::RecordType::kExemplars: {
      std::vector<record::RefExemplar> out;
      (void)dec->Exemplars(rec, &out);
      break;
    }
    case record::RecordType::kMmapMarkers: {
      std::vector<record::RefMmapMarker> out;
      (void)dec->MmapMarkers(rec, &out);
      break;
    }
    case record::RecordType::kMetadata: {
      std::vector<record::RefMetadata> out;
      (void)dec->Metadata(rec, &out);
      break;
    }
    default:
      break;
  }
}

void ReadLog(std::string segment0, bool second_segment) {
  MemFs fs;
  fs.Add("00000000", std::move(segment0));
  if (second_segment) {
    // One FULL fragment holding an empty samples record: valid, non-empty.
    std::string seg1(1, '\x01');
    const std::string rec(1, '\x02');
    const uint32_t crc = strata::crc32c::Value(rec);
    seg1 += std::string("\x00\x01", 2);
    for (int shift = 24; shift >= 0; shift -= 8) seg1 += static_cast<char>(crc >> shift);
    seg1 += rec;
    fs.Add("00000001", std::move(seg1));
  }
  for (bool decompress : {true, false}) {
    wal::ReaderOptions options;
    options.decompress = decompress;
    auto reader = wal::Reader::Open(&fs, wal::SegmentRange{kDir}, options);
    if (!reader.ok()) Fail("Open failed on an in-memory directory");
    record::Decoder dec;
    while ((*reader)->Next()) {
      if (decompress) DecodeRecord((*reader)->record(), &dec);
    }
    const absl::Status& st = (*reader)->status();
    if (!st.ok()) {
      if (!absl::IsDataLoss(st)) Fail("a failed read is not DataLoss");
      if (!(*reader)->corruption().has_value()) Fail("DataLoss without corruption()");
    } else if ((*reader)->corruption().has_value()) {
      Fail("corruption() set with an OK status");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Segments are up to 128 MiB, but 4 pages cover every framing case.
  if (size > 4 * wal::kPageSize) return 0;
  std::string seg(reinterpret_cast<const char*>(data), size);
  const bool second = (size % 2) == 1;
  std::string fixed = FixCrcs(seg);
  const bool differs = fixed != seg;
  ReadLog(std::move(seg), second);
  if (differs) ReadLog(std::move(fixed), second);
  return 0;
}
