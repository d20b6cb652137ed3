#include "tsdb/chunks/head_chunks.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>

#include "absl/strings/str_format.h"
#include "util/coding.h"
#include "util/crc32c.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::tsdb::chunks {
namespace {

// series ref, mint, maxt: a record position whose 24 header bytes are zero is the file's end.
constexpr uint64_t kSeriesMintMaxtSize = 24;
constexpr uint64_t kEncodingSize = 1;
constexpr uint64_t kCrcSize = 4;
constexpr uint64_t kMaxLengthVarintSize = 5;

// File numbers are 6+ decimal digits; anything else in the directory is not ours.
bool ParseFileNumber(const std::string& name, uint32_t* n) {
  if (name.empty() || name.size() > 10) return false;
  uint64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > std::numeric_limits<uint32_t>::max()) return false;
  *n = static_cast<uint32_t>(v);
  return true;
}

bool AllZero(std::string_view b) {
  return std::all_of(b.begin(), b.end(), [](char c) { return c == 0; });
}

uint64_t RecordSize(size_t data_size) {
  return kSeriesMintMaxtSize + kEncodingSize + UvarintSize(data_size) + data_size + kCrcSize;
}

enum class Parse { kRecord, kEnd, kCorrupt };

// Parses the record at `offset` of a file's readable bytes (§8.1, §8.2). kEnd: no record starts
// there (end of the bytes, an all-zero header, or an all-zero tail shorter than a header).
// kCorrupt: `*why` says what is wrong. On kRecord, `*next` is where the next record starts.
Parse ParseRecord(std::string_view bytes, uint64_t offset, HeadChunkRecord* rec, uint64_t* next,
                  std::string* why) {
  if (offset >= bytes.size()) return Parse::kEnd;
  std::string_view rest = bytes.substr(offset);
  if (rest.size() < kMaxHeadChunkMetaSize && AllZero(rest)) return Parse::kEnd;
  if (rest.size() < kSeriesMintMaxtSize + kEncodingSize) {
    *why = StrCat("only ", rest.size(), " bytes left, too few for a record header");
    return Parse::kCorrupt;
  }
  if (AllZero(rest.substr(0, kSeriesMintMaxtSize))) return Parse::kEnd;
  const char* p = rest.data();
  rec->series_ref = DecodeBE64(p);
  rec->mint = static_cast<int64_t>(DecodeBE64(p + 8));
  rec->maxt = static_cast<int64_t>(DecodeBE64(p + 16));
  rec->encoding = static_cast<uint8_t>(p[kSeriesMintMaxtSize]);
  uint64_t len = 0;
  const char* len_start = p + kSeriesMintMaxtSize + kEncodingSize;
  const char* limit = rest.data() + rest.size();
  int n = DecodeUvarint(len_start, limit, &len);
  if (n == 0 || n > static_cast<int>(kMaxLengthVarintSize)) {
    *why = "bad chunk length varint";
    return Parse::kCorrupt;
  }
  const uint64_t data_start = kSeriesMintMaxtSize + kEncodingSize + static_cast<uint64_t>(n);
  if (len > rest.size() || data_start + len + kCrcSize > rest.size()) {
    *why = StrCat("chunk length ", len, " runs past the end of the file");
    return Parse::kCorrupt;
  }
  const uint32_t stored = DecodeBE32(p + data_start + len);
  const uint32_t computed = crc32c::Value(p, data_start + len);
  if (stored != computed) {
    *why = absl::StrFormat("crc mismatch (stored %08x, computed %08x)", stored, computed);
    return Parse::kCorrupt;
  }
  if (!IsValidHeadChunkEncoding(rec->encoding)) {
    *why = absl::StrFormat("unknown chunk encoding 0x%02x", rec->encoding);
    return Parse::kCorrupt;
  }
  rec->data = rest.substr(data_start, len);
  *next = offset + data_start + len + kCrcSize;
  return Parse::kRecord;
}

absl::Status CorruptionError(const std::string& path, uint64_t offset, std::string_view why) {
  return absl::DataLossError(
      StrCat("corrupt head chunk file ", path, " at offset ", offset, ": ", why));
}

// Why a file's header is unusable, or "" if it is fine (§8.1).
std::string CheckHeader(std::string_view b) {
  if (b.size() < kHeadChunkFileHeaderSize) {
    return StrCat("file of ", b.size(), " bytes is shorter than its header");
  }
  if (uint32_t magic = DecodeBE32(b.data()); magic != kHeadChunkMagic) {
    return absl::StrFormat("bad magic %08x", magic);
  }
  if (uint8_t v = static_cast<uint8_t>(b[4]); v != kHeadChunkFormatV1) {
    return StrCat("unsupported format version ", v);
  }
  return "";
}

}  // namespace

std::string HeadChunkFileName(uint32_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06u", n);
  return buf;
}

uint16_t HeadChunkRecord::num_samples() const {
  return data.size() < 2 ? 0 : DecodeBE16(data.data());
}

std::string_view ChunkDiskMapper::File::mapped() const {
  return maps.empty() ? std::string_view() : maps.back()->data();
}

absl::StatusOr<std::unique_ptr<ChunkDiskMapper>> ChunkDiskMapper::Open(
    Fs* fs, std::string dir, ChunkDiskMapperOptions options) {
  if (options.max_file_size_bytes < kHeadChunkFileHeaderSize + kMaxHeadChunkMetaSize ||
      options.max_file_size_bytes > (uint64_t{1} << 32)) {
    return absl::InvalidArgumentError(
        StrCat("head chunks: max_file_size_bytes ", options.max_file_size_bytes, " out of range"));
  }
  if (options.preallocate_bytes > options.max_file_size_bytes) {
    return absl::InvalidArgumentError("head chunks: preallocate_bytes > max_file_size_bytes");
  }
  std::unique_ptr<ChunkDiskMapper> m(new ChunkDiskMapper(fs, std::move(dir), options));
  absl::MutexLock l(&m->mu_);
  RETURN_IF_ERROR_CTX(m->LoadFiles(), StrCat("open head chunks ", m->dir_));
  return m;
}

ChunkDiskMapper::~ChunkDiskMapper() { (void)Close(); }

absl::Status ChunkDiskMapper::LoadFiles() {
  RETURN_IF_ERROR(fs_->CreateDirs(dir_));
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs_->ListDir(dir_));
  std::vector<uint32_t> numbers;
  for (const std::string& name : names) {
    uint32_t n;
    if (ParseFileNumber(name, &n)) numbers.push_back(n);
  }
  std::sort(numbers.begin(), numbers.end());
  RETURN_IF_ERROR(RemoveTornLastFile(&numbers));
  for (size_t i = 0; i < numbers.size(); i++) {
    File f;
    f.path = JoinPath(dir_, HeadChunkFileName(numbers[i]));
    ASSIGN_OR_RETURN(std::unique_ptr<ReadOnlyRegion> map, fs_->MapFile(f.path));
    f.damage = CheckHeader(map->data());
    if (f.damage.empty() && i > 0 && numbers[i] != numbers[i - 1] + 1) {
      // Files are deleted from the front (Truncate) or the back (DeleteFilesFrom), so a hole
      // means files vanished behind our back; what follows it cannot be trusted.
      f.damage = StrCat("file does not follow ", HeadChunkFileName(numbers[i - 1]));
    }
    f.maps.push_back(std::move(map));
    files_.emplace(numbers[i], std::move(f));
  }
  next_file_ = numbers.empty() ? 1 : numbers.back() + 1;
  return absl::OkStatus();
}

// A crash while a file was being created leaves it shorter than its magic or with a zero magic
// (it is pre-allocated before the header reaches the disk): such a last file holds no chunks.
absl::Status ChunkDiskMapper::RemoveTornLastFile(std::vector<uint32_t>* numbers) {
  if (numbers->empty()) return absl::OkStatus();
  const std::string path = JoinPath(dir_, HeadChunkFileName(numbers->back()));
  ASSIGN_OR_RETURN(std::unique_ptr<ReadOnlyRegion> map, fs_->MapFile(path));
  std::string_view b = map->data();
  if (b.size() >= 4 && DecodeBE32(b.data()) != 0) return absl::OkStatus();
  map.reset();
  RETURN_IF_ERROR(fs_->RemoveFile(path));
  RETURN_IF_ERROR(fs_->SyncDir(dir_));
  numbers->pop_back();
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ChunkDiskMapper::WriteChunk(uint64_t series_ref, int64_t mint,
                                                     int64_t maxt, uint8_t encoding,
                                                     std::string_view data) {
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(CheckWritable());
  if (!IsValidHeadChunkEncoding(encoding)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("head chunks: invalid chunk encoding 0x%02x", encoding));
  }
  const uint64_t size = RecordSize(data.size());
  if (size > options_.max_file_size_bytes - kHeadChunkFileHeaderSize) {
    return absl::InvalidArgumentError(
        StrCat("head chunks: a chunk of ", data.size(), " bytes does not fit in a file"));
  }
  if (writer_ == nullptr || written_ + size > options_.max_file_size_bytes) {
    RETURN_IF_ERROR(FinishCurrentFile());
    RETURN_IF_ERROR(CreateFile());
  }
  record_.clear();
  PutBE64(&record_, series_ref);
  PutBE64(&record_, static_cast<uint64_t>(mint));
  PutBE64(&record_, static_cast<uint64_t>(maxt));
  record_.push_back(static_cast<char>(encoding));
  PutUvarint(&record_, data.size());
  record_.append(data);
  PutBE32(&record_, crc32c::Value(record_));  // §8.2: the CRC covers the whole record
  if (absl::Status s = writer_->Append(record_); !s.ok()) return Fail(s);
  const uint64_t ref = MakeHeadChunkRef(cur_file_, static_cast<uint32_t>(written_));
  written_ += size;
  return ref;
}

absl::Status ChunkDiskMapper::CheckWritable() const {
  if (closed_) return absl::FailedPreconditionError("head chunks: mapper is closed");
  return write_error_;
}

absl::Status ChunkDiskMapper::Fail(absl::Status s) {
  if (write_error_.ok()) write_error_ = Annotate(s, StrCat("head chunks ", dir_));
  return write_error_;
}

absl::Status ChunkDiskMapper::CreateFile() {
  const uint32_t number = next_file_;
  const std::string path = JoinPath(dir_, HeadChunkFileName(number));
  if (absl::Status s = InitFile(path); !s.ok()) {
    writer_.reset();
    (void)fs_->RemoveFile(path);  // best effort; a torn file would also be removed at Open
    return Fail(s);
  }
  auto map = fs_->MapFile(path);
  if (!map.ok()) return Fail(map.status());
  File f;
  f.path = path;
  f.maps.push_back(*std::move(map));
  files_.insert_or_assign(number, std::move(f));
  cur_file_ = number;
  next_file_ = number + 1;
  written_ = flushed_ = kHeadChunkFileHeaderSize;
  return absl::OkStatus();
}

// Writes the header, pre-allocates the zero-filled tail (extending the file: the writer keeps
// writing at its own position, right after the header) and makes the file's existence durable.
absl::Status ChunkDiskMapper::InitFile(const std::string& path) {
  ASSIGN_OR_RETURN(writer_, fs_->NewWritableFile(path));
  std::string header;
  PutBE32(&header, kHeadChunkMagic);
  header.push_back(static_cast<char>(kHeadChunkFormatV1));
  header.append(3, '\0');
  RETURN_IF_ERROR(writer_->Append(header));
  RETURN_IF_ERROR(writer_->Flush());
  allocated_ = kHeadChunkFileHeaderSize;
  if (options_.preallocate_bytes > kHeadChunkFileHeaderSize) {
    RETURN_IF_ERROR(fs_->Truncate(path, options_.preallocate_bytes));
    allocated_ = options_.preallocate_bytes;
  }
  RETURN_IF_ERROR(writer_->Sync());
  return fs_->SyncDir(dir_);
}

absl::Status ChunkDiskMapper::FinishCurrentFile() {
  if (writer_ == nullptr) return absl::OkStatus();
  absl::Status s = writer_->Sync();
  if (absl::Status c = writer_->Close(); s.ok()) s = c;
  if (!s.ok()) return Fail(s);
  writer_.reset();
  flushed_ = written_;
  File& f = files_.at(cur_file_);
  const uint32_t number = cur_file_;
  cur_file_ = 0;
  // A finished file is read through its last mapping alone: make it cover every record.
  if (f.mapped().size() < written_) {
    RETURN_IF_ERROR_CTX(Remap(&f), StrCat("map ", HeadChunkFileName(number)));
  }
  return absl::OkStatus();
}

absl::Status ChunkDiskMapper::Remap(File* file) {
  ASSIGN_OR_RETURN(std::unique_ptr<ReadOnlyRegion> map, fs_->MapFile(file->path));
  file->maps.push_back(std::move(map));
  return absl::OkStatus();
}

std::string_view ChunkDiskMapper::Readable(uint32_t number, const File& file) const {
  std::string_view b = file.mapped();
  if (number == cur_file_) b = b.substr(0, std::min<uint64_t>(b.size(), flushed_));
  return b;
}

absl::Status ChunkDiskMapper::MakeCurrentReadable() {
  if (writer_ == nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(write_error_);
  if (flushed_ < written_) {
    if (absl::Status s = writer_->Flush(); !s.ok()) return Fail(s);
    flushed_ = written_;
  }
  File& f = files_.at(cur_file_);
  if (f.mapped().size() >= flushed_) return absl::OkStatus();
  // Grow the zero-filled tail to twice the data so the next remaps come ever more rarely. Only
  // an optimisation: on failure we map what is there, which covers every flushed byte.
  const uint64_t target = std::max(flushed_, std::min(2 * flushed_, options_.max_file_size_bytes));
  if (target > std::max(allocated_, flushed_) && fs_->Truncate(f.path, target).ok()) {
    allocated_ = target;
  }
  return Remap(&f);
}

absl::StatusOr<HeadChunkRecord> ChunkDiskMapper::Chunk(uint64_t ref) {
  const uint32_t number = HeadChunkRefFile(ref);
  const uint64_t offset = HeadChunkRefOffset(ref);
  {
    absl::ReaderMutexLock l(&mu_);
    if (closed_) return absl::FailedPreconditionError("head chunks: mapper is closed");
    const bool in_buffer =
        number == cur_file_ && (offset >= flushed_ || files_.at(number).mapped().size() < flushed_);
    if (!in_buffer) return ReadLocked(ref);
  }
  // The chunk was written to the current file but may sit in the write buffer or beyond the
  // mapping: flush and remap under the exclusive lock.
  absl::MutexLock l(&mu_);
  if (closed_) return absl::FailedPreconditionError("head chunks: mapper is closed");
  if (number == cur_file_ && offset < written_) {
    if (absl::Status s = MakeCurrentReadable(); !s.ok()) {
      return absl::DataLossError(StrCat("head chunk ", HeadChunkFileName(number), " offset ",
                                        offset, " did not reach the file: ", s.message()));
    }
  }
  return ReadLocked(ref);
}

absl::StatusOr<HeadChunkRecord> ChunkDiskMapper::ReadLocked(uint64_t ref) {
  const uint32_t number = HeadChunkRefFile(ref);
  const uint64_t offset = HeadChunkRefOffset(ref);
  auto it = files_.find(number);
  if (it == files_.end()) {
    return absl::NotFoundError(StrCat("head chunk file ", HeadChunkFileName(number),
                                      " does not exist in ", dir_, " (ref ", ref, ")"));
  }
  const File& f = it->second;
  if (!f.damage.empty()) return CorruptionError(f.path, 0, f.damage);
  if (offset < kHeadChunkFileHeaderSize) return CorruptionError(f.path, offset, "not a record");
  HeadChunkRecord rec;
  uint64_t next;
  std::string why;
  switch (ParseRecord(Readable(number, f), offset, &rec, &next, &why)) {
    case Parse::kRecord:
      rec.ref = ref;
      return rec;
    case Parse::kEnd:
      return CorruptionError(f.path, offset, "no chunk record there");
    case Parse::kCorrupt:
      break;
  }
  return CorruptionError(f.path, offset, why);
}

absl::Status ChunkDiskMapper::IterateAllChunks(Visitor visit, uint32_t* corrupt_file) {
  struct View {
    uint32_t number;
    std::string path;
    std::string damage;
    std::string_view bytes;
  };
  std::vector<View> views;
  {
    absl::MutexLock l(&mu_);
    if (closed_) return absl::FailedPreconditionError("head chunks: mapper is closed");
    // A write error leaves flushed_ at the last record known to be in the file: read up to it.
    if (write_error_.ok()) RETURN_IF_ERROR(MakeCurrentReadable());
    for (const auto& [number, f] : files_) {
      views.push_back(View{number, f.path, f.damage, Readable(number, f)});
    }
  }
  // Visit without the lock: the visitor may call Chunk().
  for (const View& v : views) {
    absl::Status s = v.damage.empty() ? absl::OkStatus() : CorruptionError(v.path, 0, v.damage);
    uint64_t offset = kHeadChunkFileHeaderSize;
    while (s.ok()) {
      HeadChunkRecord rec;
      uint64_t next;
      std::string why;
      const Parse p = ParseRecord(v.bytes, offset, &rec, &next, &why);
      if (p == Parse::kEnd) break;
      if (p == Parse::kRecord && offset > std::numeric_limits<uint32_t>::max()) {
        why = "record beyond the 4 GiB a reference can address";
      }
      if (!why.empty()) {
        s = CorruptionError(v.path, offset, why);
        break;
      }
      rec.ref = MakeHeadChunkRef(v.number, static_cast<uint32_t>(offset));
      RETURN_IF_ERROR(visit(rec));
      offset = next;
    }
    if (!s.ok()) {
      if (corrupt_file != nullptr) *corrupt_file = v.number;
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status ChunkDiskMapper::DeleteFile(uint32_t number) {
  auto it = files_.find(number);
  if (it == files_.end()) return absl::OkStatus();
  absl::Status s = fs_->RemoveFile(it->second.path);
  if (!s.ok() && !absl::IsNotFound(s)) return s;
  files_.erase(it);
  return absl::OkStatus();
}

absl::Status ChunkDiskMapper::DeleteFilesFrom(uint32_t file) {
  absl::MutexLock l(&mu_);
  if (closed_) return absl::FailedPreconditionError("head chunks: mapper is closed");
  uint32_t lowest_deleted = 0;
  while (!files_.empty() && files_.rbegin()->first >= file) {
    const uint32_t number = files_.rbegin()->first;
    if (number == cur_file_) {
      // Its content is being thrown away, so a failure to flush it does not matter.
      (void)writer_->Close();
      writer_.reset();
      cur_file_ = 0;
    }
    RETURN_IF_ERROR(DeleteFile(number));
    lowest_deleted = number;
  }
  if (lowest_deleted == 0) return absl::OkStatus();
  next_file_ = files_.empty() ? lowest_deleted : files_.rbegin()->first + 1;
  return fs_->SyncDir(dir_);
}

absl::Status ChunkDiskMapper::CutNewFile() {
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(CheckWritable());
  return FinishCurrentFile();
}

absl::Status ChunkDiskMapper::Truncate(uint32_t min_file_to_keep) {
  absl::MutexLock l(&mu_);
  if (closed_) return absl::FailedPreconditionError("head chunks: mapper is closed");
  if (files_.empty()) return absl::OkStatus();
  const uint32_t highest = files_.rbegin()->first;
  bool deleted = false;
  while (!files_.empty()) {
    const uint32_t number = files_.begin()->first;
    if (number >= min_file_to_keep || number == highest || number == cur_file_) break;
    RETURN_IF_ERROR(DeleteFile(number));
    deleted = true;
  }
  if (deleted) RETURN_IF_ERROR(fs_->SyncDir(dir_));
  // §8.1: a new file after each truncation if the current one holds data, so the next
  // truncation can delete this one as soon as its chunks are no longer referenced.
  if (writer_ != nullptr && write_error_.ok() && written_ > kHeadChunkFileHeaderSize) {
    return FinishCurrentFile();
  }
  return absl::OkStatus();
}

absl::Status ChunkDiskMapper::Sync() {
  absl::MutexLock l(&mu_);
  RETURN_IF_ERROR(CheckWritable());
  if (writer_ == nullptr) return absl::OkStatus();
  if (absl::Status s = writer_->Sync(); !s.ok()) return Fail(s);
  flushed_ = written_;
  return absl::OkStatus();
}

absl::Status ChunkDiskMapper::Close() {
  absl::MutexLock l(&mu_);
  if (closed_) return absl::OkStatus();
  closed_ = true;
  absl::Status s = write_error_;
  if (writer_ != nullptr) {
    if (s.ok()) s = writer_->Sync();
    if (absl::Status c = writer_->Close(); s.ok()) s = c;
    writer_.reset();
  }
  cur_file_ = 0;
  files_.clear();
  return s;
}

uint32_t ChunkDiskMapper::highest_file() const {
  absl::ReaderMutexLock l(&mu_);
  return files_.empty() ? 0 : files_.rbegin()->first;
}

std::vector<uint32_t> ChunkDiskMapper::files() const {
  absl::ReaderMutexLock l(&mu_);
  std::vector<uint32_t> out;
  for (const auto& [number, f] : files_) out.push_back(number);
  return out;
}

size_t ChunkDiskMapper::NumMappingsForTesting(uint32_t file) const {
  absl::ReaderMutexLock l(&mu_);
  auto it = files_.find(file);
  return it == files_.end() ? 0 : it->second.maps.size();
}

}  // namespace strata::tsdb::chunks
