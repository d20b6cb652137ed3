// Head chunk files chunks_head/NNNNNN (prometheus-tsdb-formats.md §8; Prometheus calls the owner
// of these files the ChunkDiskMapper): completed head chunks are written once and read back through
// memory maps, so the head keeps only its open chunks in memory. Out-of-order chunks live in the
// same files with encoding 0x81 (§7.4).
//
// Files. Named by number ("000001", …), consecutive. The first write after Open, after CutNewFile
// and after a Truncate that found data in the current file goes to a new file numbered one past
// the highest existing one; files are created lazily, so no empty file is left behind. A record
// never crosses `max_file_size_bytes`. A new file is pre-allocated (zero-filled) to
// `preallocate_bytes` and grows as written; readers stop at an all-zero record header (§8.1).
//
// References. ref = file_number << 32 | offset of the record (§8.3); ref 0 means "none". Since
// the file number is the high half, comparing refs as integers compares (file, offset)
// lexicographically: a smaller ref was written earlier.
//
// Reading. A file is mapped with Fs::MapFile. The file being written is mapped too: a read that
// reaches past what is mapped flushes the write buffer, extends the file's zero-filled tail to
// twice the written size (so each remap at least doubles the mapping and a file is mapped at
// most ~log2(max/prealloc)+2 times) and maps it again. Older mappings stay alive, so the
// std::string_view of a chunk stays valid until its file is deleted (Truncate, DeleteFilesFrom)
// or the mapper is closed. This relies on writes through Fs::NewWritableFile landing at the
// file's write position (not O_APPEND) and on MAP_SHARED mappings seeing write(2)s, as on Linux.
// Every read checks the record's CRC.
//
// Durability and errors. WriteChunk appends to a buffered file; records become durable on
// Sync(), when a file is finished (cut) and on Close(). Any failed write, flush or sync makes
// the mapper refuse further writes with that error (the file's tail is unknown), like the WAL
// after a failed fsync: chunks flushed before the error stay readable, later ones read as
// DataLoss (never as partial bytes); reopen to recover (IterateAllChunks then finds the damaged
// tail, and DeleteFilesFrom removes it).
//
// Thread-safety: every method may be called concurrently, except that the caller must not delete
// a file (Truncate, DeleteFilesFrom, Close) while another thread still uses a view into it or
// iterates it (the head guarantees this as Prometheus does, by waiting for pending readers).
#ifndef STRATA_TSDB_CHUNKS_HEAD_CHUNKS_H_
#define STRATA_TSDB_CHUNKS_HEAD_CHUNKS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "util/fs.h"

namespace strata::tsdb::chunks {

inline constexpr uint32_t kHeadChunkMagic = 0x0130BC91;
inline constexpr uint8_t kHeadChunkFormatV1 = 1;
// be32 magic, u8 version, 3 zero bytes.
inline constexpr uint64_t kHeadChunkFileHeaderSize = 8;
// series ref, mint, maxt (8 each), encoding (1), the longest length varint (5), crc (4): the
// bound readers use to decide whether a file's tail can still hold a record (§8.1, §8.2).
inline constexpr uint64_t kMaxHeadChunkMetaSize = 34;
inline constexpr uint64_t kDefaultMaxHeadChunkFileSize = uint64_t{128} << 20;
inline constexpr uint64_t kHeadChunkFilePreallocSize = uint64_t{128} << 10;
// Set in the encoding byte of out-of-order chunks: 0x81 = out-of-order XOR (§0.3, §7.4).
inline constexpr uint8_t kOutOfOrderEncodingBit = 0x80;

inline constexpr uint64_t MakeHeadChunkRef(uint32_t file, uint32_t offset) {
  return (uint64_t{file} << 32) | offset;
}
inline constexpr uint32_t HeadChunkRefFile(uint64_t ref) {
  return static_cast<uint32_t>(ref >> 32);
}
inline constexpr uint32_t HeadChunkRefOffset(uint64_t ref) { return static_cast<uint32_t>(ref); }

// "000007" for 7: the name of head chunk file number n (%06d; wider numbers are not cut).
std::string HeadChunkFileName(uint32_t n);

// True for the encodings a 2.42 head chunk file may hold: 1, 2, 3, each optionally with the
// out-of-order bit (§0.3).
inline constexpr bool IsValidHeadChunkEncoding(uint8_t encoding) {
  const uint8_t base = encoding & static_cast<uint8_t>(~kOutOfOrderEncodingBit);
  return base >= 1 && base <= 3;
}

struct ChunkDiskMapperOptions {
  // A record that would make the current file larger than this goes to a new file. Default
  // 128 MiB (§8.1). Must lie in [kHeadChunkFileHeaderSize + kMaxHeadChunkMetaSize, 2^32].
  uint64_t max_file_size_bytes = kDefaultMaxHeadChunkFileSize;
  // A new file is extended with zeros to this size when created. Default 128 KiB (§8.1); at most
  // max_file_size_bytes; 0 disables pre-allocation.
  uint64_t preallocate_bytes = kHeadChunkFilePreallocSize;
};

// One chunk record (§8.2). `data` borrows the mapped file (see the lifetime rule above).
struct HeadChunkRecord {
  uint64_t ref = 0;  // where the record starts
  uint64_t series_ref = 0;
  int64_t mint = 0;  // first sample, ms
  int64_t maxt = 0;  // last sample, ms
  uint8_t encoding = 0;
  std::string_view data;

  bool is_ooo() const { return (encoding & kOutOfOrderEncodingBit) != 0; }
  // The sample count every Prometheus chunk encoding starts with (be16, §3.1), read without
  // decoding the chunk; 0 if the data is shorter than 2 bytes.
  uint16_t num_samples() const;
};

class ChunkDiskMapper {
 public:
  // Called for each record; a non-OK status stops the iteration and is returned as is.
  using Visitor = absl::FunctionRef<absl::Status(const HeadChunkRecord&)>;

  // Opens (creating if needed) the directory `dir` (usually <data>/chunks_head) and maps its
  // files. If the highest-numbered file is shorter than 4 bytes or has a zero magic (a crash
  // while it was created) it is deleted (§8.1). Other damage (a bad header, a gap in the
  // numbering, bad records) does not fail Open: IterateAllChunks reports it.
  // REQUIRES: `fs` outlives the mapper; no other mapper uses `dir`.
  static absl::StatusOr<std::unique_ptr<ChunkDiskMapper>> Open(Fs* fs, std::string dir,
                                                               ChunkDiskMapperOptions options = {});

  // Closes if Close() was not called (errors are dropped: call Close() to see them).
  ~ChunkDiskMapper();
  ChunkDiskMapper(const ChunkDiskMapper&) = delete;
  ChunkDiskMapper& operator=(const ChunkDiskMapper&) = delete;

  // Appends one chunk record and returns its ref. The record is buffered: it is readable at once
  // through Chunk(), durable after Sync(). InvalidArgument (the mapper stays usable) if
  // `encoding` is not valid or the record cannot fit in an empty file; any I/O error is sticky.
  absl::StatusOr<uint64_t> WriteChunk(uint64_t series_ref, int64_t mint, int64_t maxt,
                                      uint8_t encoding, std::string_view data);

  // Reads and CRC-checks the record at `ref`. NotFound if its file does not exist (deleted),
  // DataLoss naming the file and offset if no intact record is there.
  absl::StatusOr<HeadChunkRecord> Chunk(uint64_t ref);

  // Start-up load (§8.4): visits every record of every file in (file, offset) order, checking
  // each CRC, and stops at each file's zero-filled tail. On damage returns DataLoss naming the
  // file and offset and, if `corrupt_file` is not null, stores that file's number there; records
  // before the damage have been visited. The caller then calls DeleteFilesFrom(*corrupt_file)
  // and relies on the WAL for what was lost (what Prometheus does).
  absl::Status IterateAllChunks(Visitor visit, uint32_t* corrupt_file = nullptr);

  // Deletes file `file` and every later file, highest first (so a crash cannot leave a gap); new
  // files are numbered from there. For repairing after IterateAllChunks found damage.
  absl::Status DeleteFilesFrom(uint32_t file);

  // Finishes the current file (sync, close); the next write starts a new one. No-op without one.
  absl::Status CutNewFile();

  // Head truncation (§9.5): deletes files numbered below `min_file_to_keep` (the oldest file
  // still referenced), lowest first, but never the highest file; then cuts a new file if the
  // current one holds records.
  absl::Status Truncate(uint32_t min_file_to_keep);

  // Makes every record written so far durable.
  absl::Status Sync();

  // Syncs and closes the current file and releases all mappings: views returned earlier become
  // invalid, later calls fail with FailedPrecondition. Returns the sticky write error, if any.
  absl::Status Close();

  // Number of the highest file on disk, 0 if there is none.
  uint32_t highest_file() const;
  // Numbers of the files on disk, ascending.
  std::vector<uint32_t> files() const;
  const std::string& dir() const { return dir_; }

  // How many times `file` has been mapped (0 if unknown): checks the bounded-remap design.
  size_t NumMappingsForTesting(uint32_t file) const;

 private:
  struct File {
    std::string path;
    // Mappings of growing size, the last the largest; earlier ones stay alive for the views
    // returned from them.
    std::vector<std::unique_ptr<ReadOnlyRegion>> maps;
    // Non-empty if the file cannot be read (bad header, gap before it): reported as DataLoss.
    std::string damage;
    std::string_view mapped() const;
  };

  ChunkDiskMapper(Fs* fs, std::string dir, ChunkDiskMapperOptions options)
      : fs_(fs), dir_(std::move(dir)), options_(options) {}

  absl::Status LoadFiles() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status RemoveTornLastFile(std::vector<uint32_t>* numbers)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Bytes of `number` that hold complete records or zero tail: the whole mapping of a finished
  // file, the flushed prefix of the current one.
  std::string_view Readable(uint32_t number, const File& file) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Flushes the current file and maps it far enough to read everything written to it.
  absl::Status MakeCurrentReadable() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status Remap(File* file) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<HeadChunkRecord> ReadLocked(uint64_t ref) ABSL_SHARED_LOCKS_REQUIRED(mu_);

  absl::Status CheckWritable() const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status CreateFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status InitFile(const std::string& path) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status FinishCurrentFile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Remembers the first write error (sticky) and returns it annotated.
  absl::Status Fail(absl::Status s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status DeleteFile(uint32_t number) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Fs* const fs_;
  const std::string dir_;
  const ChunkDiskMapperOptions options_;

  mutable absl::Mutex mu_;
  std::map<uint32_t, File> files_ ABSL_GUARDED_BY(mu_);
  uint32_t next_file_ ABSL_GUARDED_BY(mu_) = 1;  // number of the next file to create
  // The file being written (0: none; the next write creates one) and its state.
  uint32_t cur_file_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<WritableFile> writer_ ABSL_GUARDED_BY(mu_);
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;      // bytes appended, header included
  uint64_t flushed_ ABSL_GUARDED_BY(mu_) = 0;      // prefix handed to the OS: always a record end
  uint64_t allocated_ ABSL_GUARDED_BY(mu_) = 0;    // length given by pre-allocation/extension
  absl::Status write_error_ ABSL_GUARDED_BY(mu_);  // sticky
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::string record_ ABSL_GUARDED_BY(mu_);  // one record being encoded, reused
};

}  // namespace strata::tsdb::chunks

#endif  // STRATA_TSDB_CHUNKS_HEAD_CHUNKS_H_
