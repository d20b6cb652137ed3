#include "util/fault_fs.h"

#include <algorithm>
#include <cerrno>

#include "util/status_macros.h"

namespace strata {

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionFs* fs, std::string path, std::unique_ptr<WritableFile> base)
      : fs_(fs), path_(std::move(path)), base_(std::move(base)) {}

  absl::Status Append(std::string_view data) override {
    RETURN_IF_ERROR(fs_->MaybeFail(FsOp::kAppend, path_));
    size_t allowed = fs_->ReserveSpace(data.size());
    if (allowed < data.size()) {
      // A short write: what fits reaches the file, then the device is full.
      if (allowed > 0) RETURN_IF_ERROR(base_->Append(data.substr(0, allowed)));
      return ErrnoToStatus(ENOSPC, "write", path_);
    }
    return base_->Append(data);
  }
  absl::Status Flush() override { return base_->Flush(); }
  absl::Status Sync() override {
    RETURN_IF_ERROR(fs_->MaybeFail(FsOp::kSync, path_));
    RETURN_IF_ERROR(base_->Sync());
    fs_->RecordSynced(path_, base_->size());
    return absl::OkStatus();
  }
  absl::Status Close() override { return base_->Close(); }
  uint64_t size() const override { return base_->size(); }

 private:
  FaultInjectionFs* const fs_;
  const std::string path_;
  std::unique_ptr<WritableFile> base_;
};

void FaultInjectionFs::InjectError(FsOp op, std::string path_substr, absl::Status error,
                                   int count) {
  absl::MutexLock l(&mu_);
  faults_.push_back(Fault{op, std::move(path_substr), std::move(error), count});
}

void FaultInjectionFs::SetSpaceLimit(int64_t bytes) {
  absl::MutexLock l(&mu_);
  space_left_ = bytes;
}

void FaultInjectionFs::ClearFaults() {
  absl::MutexLock l(&mu_);
  faults_.clear();
  space_left_ = -1;
}

int FaultInjectionFs::faults_injected() const {
  absl::MutexLock l(&mu_);
  return faults_injected_;
}

absl::Status FaultInjectionFs::MaybeFail(FsOp op, const std::string& path) {
  absl::MutexLock l(&mu_);
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op || path.find(it->path_substr) == std::string::npos) continue;
    absl::Status error = it->error;
    if (it->remaining > 0 && --it->remaining == 0) faults_.erase(it);
    faults_injected_++;
    return error;
  }
  return absl::OkStatus();
}

size_t FaultInjectionFs::ReserveSpace(size_t n) {
  absl::MutexLock l(&mu_);
  if (space_left_ < 0) return n;
  size_t allowed = std::min<size_t>(n, static_cast<size_t>(space_left_));
  space_left_ -= static_cast<int64_t>(allowed);
  if (allowed < n) faults_injected_++;
  return allowed;
}

void FaultInjectionFs::RecordSynced(const std::string& path, uint64_t size) {
  absl::MutexLock l(&mu_);
  synced_size_[path] = size;
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionFs::Wrap(
    const std::string& path, absl::StatusOr<std::unique_ptr<WritableFile>> file) {
  if (!file.ok()) return file.status();
  return std::make_unique<FaultWritableFile>(this, path, *std::move(file));
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionFs::NewWritableFile(
    const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kCreate, path));
  RecordSynced(path, 0);
  return Wrap(path, base_->NewWritableFile(path));
}

absl::StatusOr<std::unique_ptr<WritableFile>> FaultInjectionFs::NewAppendableFile(
    const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kCreate, path));
  auto file = base_->NewAppendableFile(path);
  if (file.ok()) {
    absl::MutexLock l(&mu_);
    // What was there before we opened it counts as durable.
    synced_size_.emplace(path, (*file)->size());
  }
  return Wrap(path, std::move(file));
}

absl::StatusOr<std::unique_ptr<ReadOnlyRegion>> FaultInjectionFs::MapFile(
    const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kRead, path));
  return base_->MapFile(path);
}

absl::StatusOr<std::string> FaultInjectionFs::ReadFile(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kRead, path));
  return base_->ReadFile(path);
}

absl::Status FaultInjectionFs::CreateDirs(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kMkdir, path));
  return base_->CreateDirs(path);
}

absl::Status FaultInjectionFs::RemoveFile(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kRemove, path));
  return base_->RemoveFile(path);
}

absl::Status FaultInjectionFs::RemoveAll(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kRemove, path));
  return base_->RemoveAll(path);
}

absl::Status FaultInjectionFs::Rename(const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kRename, from));
  RETURN_IF_ERROR(base_->Rename(from, to));
  absl::MutexLock l(&mu_);
  // Files under a renamed directory keep their synced sizes under the new name.
  std::map<std::string, uint64_t> moved;
  for (auto it = synced_size_.begin(); it != synced_size_.end();) {
    const std::string& p = it->first;
    if (p == from || (p.size() > from.size() && p.compare(0, from.size(), from) == 0 &&
                      p[from.size()] == '/')) {
      moved[to + p.substr(from.size())] = it->second;
      it = synced_size_.erase(it);
    } else {
      ++it;
    }
  }
  // Assign, not merge: a replaced file's new size must win over the old entry.
  for (auto& [p, size] : moved) synced_size_[p] = size;
  return absl::OkStatus();
}

absl::Status FaultInjectionFs::SyncDir(const std::string& path) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kSyncDir, path));
  return base_->SyncDir(path);
}

absl::Status FaultInjectionFs::Truncate(const std::string& path, uint64_t size) {
  RETURN_IF_ERROR(MaybeFail(FsOp::kTruncate, path));
  return base_->Truncate(path, size);
}

absl::Status FaultInjectionFs::DropUnsyncedData() {
  absl::MutexLock l(&mu_);
  for (const auto& [path, size] : synced_size_) {
    if (!base_->Exists(path)) continue;
    ASSIGN_OR_RETURN(uint64_t current, base_->FileSize(path));
    if (current > size) RETURN_IF_ERROR(base_->Truncate(path, size));
  }
  return absl::OkStatus();
}

}  // namespace strata
