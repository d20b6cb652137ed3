// The file system as a dependency (like leveldb's Env): all TSDB file I/O goes through Fs so
// tests can inject faults (FaultInjectionFs) and simulate crashes.
//
// Paths are plain strings. Every error names the path; errno maps to codes as
// ENOENT → NotFound, EEXIST → AlreadyExists, ENOSPC/EDQUOT → ResourceExhausted, else Internal.
// Implementations are thread-safe; a WritableFile is used by one thread at a time.
#ifndef STRATA_UTIL_FS_H_
#define STRATA_UTIL_FS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace strata {

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Appends bytes; they may sit in a user-space buffer until Flush, Sync or Close.
  virtual absl::Status Append(std::string_view data) = 0;
  // Hands buffered bytes to the operating system (no durability).
  virtual absl::Status Flush() = 0;
  // Flushes and makes the file's data durable (fdatasync).
  virtual absl::Status Sync() = 0;
  // Flushes and closes; further calls fail. Does not sync.
  virtual absl::Status Close() = 0;
  // Bytes in the file including buffered ones.
  virtual uint64_t size() const = 0;
};

// A file's bytes mapped read-only into memory. The view stays valid for the region's lifetime.
class ReadOnlyRegion {
 public:
  virtual ~ReadOnlyRegion() = default;
  virtual std::string_view data() const = 0;
};

class Fs {
 public:
  virtual ~Fs() = default;

  // Creates `path`, truncating it if it exists.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens `path` for appending at its end, creating it if missing.
  virtual absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) = 0;
  // Maps a whole file read-only (an empty file gives an empty view).
  virtual absl::StatusOr<std::unique_ptr<ReadOnlyRegion>> MapFile(const std::string& path) = 0;
  virtual absl::StatusOr<std::string> ReadFile(const std::string& path) = 0;

  // Entry names (not paths) of a directory, sorted, without "." and "..".
  virtual absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Creates a directory and any missing parents; OK if it already exists.
  virtual absl::Status CreateDirs(const std::string& path) = 0;
  virtual absl::Status RemoveFile(const std::string& path) = 0;
  // Removes a file or a directory tree; OK if nothing is there.
  virtual absl::Status RemoveAll(const std::string& path) = 0;
  // rename(2): atomic replacement of `to` (a directory target must be empty or absent).
  virtual absl::Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync(2) on a directory, making creations, renames and removals in it durable.
  virtual absl::Status SyncDir(const std::string& path) = 0;
  virtual absl::Status Truncate(const std::string& path, uint64_t size) = 0;

  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  virtual absl::StatusOr<uint64_t> FileSize(const std::string& path) = 0;
};

// The real POSIX file system. A process-wide instance; never destroyed.
Fs* DefaultFs();

// Joins path elements with '/'.
std::string JoinPath(std::string_view a, std::string_view b);
// Bytes of the files under `dir`, recursively (0 for a missing directory; files that vanish
// meanwhile count 0). For size metrics, not for accounting that must be exact.
uint64_t DirBytes(Fs* fs, const std::string& dir);
inline std::string JoinPath(std::string_view a, std::string_view b, std::string_view c) {
  return JoinPath(JoinPath(a, b), c);
}
// The directory part of a path ("a/b" → "a", "b" → ".").
std::string DirName(std::string_view path);

// Writes `data` to `path` crash-safely: `path.tmp` → fsync → rename → fsync of the directory.
// After a crash, `path` holds either its old content or `data`, never a mix.
absl::Status WriteFileAtomically(Fs* fs, const std::string& path, std::string_view data);

// Converts an errno value into a Status naming the operation and path.
absl::Status ErrnoToStatus(int err, std::string_view op, std::string_view path);

}  // namespace strata

#endif  // STRATA_UTIL_FS_H_
