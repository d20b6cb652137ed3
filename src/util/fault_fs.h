// An Fs that wraps another and injects faults, for tests of every write path (docs/STYLE.md §8,
// after leveldb's FaultInjectionTestEnv): failed calls, short writes and ENOSPC, and a simulated
// power cut that drops every byte not yet fsynced.
#ifndef STRATA_UTIL_FAULT_FS_H_
#define STRATA_UTIL_FAULT_FS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "util/fs.h"

namespace strata {

enum class FsOp {
  kCreate,    // NewWritableFile, NewAppendableFile
  kAppend,    // WritableFile::Append
  kSync,      // WritableFile::Sync
  kRename,
  kRemove,    // RemoveFile, RemoveAll
  kMkdir,
  kSyncDir,
  kTruncate,
  kRead,      // ReadFile, MapFile
};

class FaultInjectionFs final : public Fs {
 public:
  // `base` must outlive this object.
  explicit FaultInjectionFs(Fs* base) : base_(base) {}

  // The next `count` calls of `op` on a path containing `path_substr` fail with `error`
  // (count < 0: every call until ClearFaults). An empty substring matches every path.
  void InjectError(FsOp op, std::string path_substr, absl::Status error, int count = 1);
  // From now on at most `bytes` more bytes can be appended: the append that crosses the limit
  // writes what fits (a short write) and fails with ENOSPC, like later appends.
  void SetSpaceLimit(int64_t bytes);
  // Removes injected errors and the space limit.
  void ClearFaults();
  // How many calls failed by injection so far.
  int faults_injected() const;

  // Simulates a crash of the machine: every file written through this Fs is cut back to the
  // length it had at its last successful Sync (files never synced become empty).
  absl::Status DropUnsyncedData();

  absl::StatusOr<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  absl::StatusOr<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::string& path) override;
  absl::StatusOr<std::unique_ptr<ReadOnlyRegion>> MapFile(const std::string& path) override;
  absl::StatusOr<std::string> ReadFile(const std::string& path) override;
  absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) override {
    return base_->ListDir(path);
  }
  absl::Status CreateDirs(const std::string& path) override;
  absl::Status RemoveFile(const std::string& path) override;
  absl::Status RemoveAll(const std::string& path) override;
  absl::Status Rename(const std::string& from, const std::string& to) override;
  absl::Status SyncDir(const std::string& path) override;
  absl::Status Truncate(const std::string& path, uint64_t size) override;
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  absl::StatusOr<uint64_t> FileSize(const std::string& path) override {
    return base_->FileSize(path);
  }

 private:
  friend class FaultWritableFile;

  struct Fault {
    FsOp op;
    std::string path_substr;
    absl::Status error;
    int remaining;  // < 0: forever
  };

  // Returns the injected error for this call, if any, and consumes one use of it.
  absl::Status MaybeFail(FsOp op, const std::string& path);
  // Charges `n` bytes against the space limit; returns how many may be written.
  size_t ReserveSpace(size_t n);
  void RecordSynced(const std::string& path, uint64_t size);
  absl::StatusOr<std::unique_ptr<WritableFile>> Wrap(
      const std::string& path, absl::StatusOr<std::unique_ptr<WritableFile>> file);

  Fs* const base_;
  mutable absl::Mutex mu_;
  std::vector<Fault> faults_ ABSL_GUARDED_BY(mu_);
  int64_t space_left_ ABSL_GUARDED_BY(mu_) = -1;  // < 0: unlimited
  int faults_injected_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, uint64_t> synced_size_ ABSL_GUARDED_BY(mu_);  // files written through us
};

}  // namespace strata

#endif  // STRATA_UTIL_FAULT_FS_H_
