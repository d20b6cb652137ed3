#include "ingester/shipper.h"

#include "nlohmann/json.hpp"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::ingester {
namespace {

absl::Status CopyFile(Fs* fs, const std::string& from, const std::string& to) {
  ASSIGN_OR_RETURN(std::string data, fs->ReadFile(from));
  ASSIGN_OR_RETURN(auto f, fs->NewWritableFile(to));
  RETURN_IF_ERROR(f->Append(data));
  RETURN_IF_ERROR(f->Sync());
  return f->Close();
}

// Copies a directory tree, meta.json last.
absl::Status CopyTree(Fs* fs, const std::string& from, const std::string& to) {
  RETURN_IF_ERROR(fs->CreateDirs(to));
  ASSIGN_OR_RETURN(std::vector<std::string> names, fs->ListDir(from));
  bool has_meta = false;
  for (const std::string& n : names) {
    if (n == "meta.json") {
      has_meta = true;
      continue;
    }
    const std::string src = JoinPath(from, n), dst = JoinPath(to, n);
    if (fs->IsDirectory(src)) {
      RETURN_IF_ERROR(CopyTree(fs, src, dst));
    } else {
      RETURN_IF_ERROR(CopyFile(fs, src, dst));
    }
  }
  if (has_meta) RETURN_IF_ERROR(CopyFile(fs, JoinPath(from, "meta.json"), JoinPath(to, "meta.json")));
  return fs->SyncDir(to);
}

}  // namespace

absl::StatusOr<std::set<std::string>> ReadShipped(Fs* fs, const std::string& tenant_dir) {
  const std::string path = JoinPath(tenant_dir, kShipperMetaFile);
  auto data = fs->ReadFile(path);
  if (absl::IsNotFound(data.status())) return std::set<std::string>{};
  if (!data.ok()) return data.status();
  auto j = nlohmann::json::parse(*data, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object() || !j.contains("version") || j["version"] != 1) {
    return absl::DataLossError(StrCat(path, ": not a version 1 shipper meta file"));
  }
  std::set<std::string> out;
  if (j.contains("uploaded") && j["uploaded"].is_array()) {
    for (const auto& u : j["uploaded"]) {
      if (u.is_string()) out.insert(u.get<std::string>());
    }
  }
  return out;
}

absl::Status Shipper::WriteShipped(const std::set<std::string>& shipped) {
  nlohmann::json j;
  j["version"] = 1;
  j["uploaded"] = nlohmann::json::array();
  for (const std::string& u : shipped) j["uploaded"].push_back(u);
  return WriteFileAtomically(fs_, JoinPath(tenant_dir_, kShipperMetaFile), j.dump(1, '\t'));
}

absl::Status Shipper::Upload(const tsdb::block::Block& b) {
  const std::string id = b.meta().ulid.ToString();
  const std::string tenant_bucket = JoinPath(bucket_dir_, tenant_);
  const std::string tmp = JoinPath(tenant_bucket, id + ".tmp");
  const std::string dst = JoinPath(tenant_bucket, id);
  RETURN_IF_ERROR(fs_->RemoveAll(tmp));
  RETURN_IF_ERROR(CopyTree(fs_, b.dir(), tmp));
  RETURN_IF_ERROR(fs_->RemoveAll(dst));
  RETURN_IF_ERROR(fs_->Rename(tmp, dst));
  return fs_->SyncDir(tenant_bucket);
}

absl::StatusOr<int> Shipper::Sync(const std::vector<std::shared_ptr<tsdb::block::Block>>& blocks) {
  ASSIGN_OR_RETURN(std::set<std::string> shipped, ReadShipped(fs_, tenant_dir_));
  int uploaded = 0;
  for (const auto& b : blocks) {
    const std::string id = b->meta().ulid.ToString();
    if (shipped.contains(id)) continue;
    RETURN_IF_ERROR_CTX(Upload(*b), StrCat("upload block ", id));
    shipped.insert(id);
    RETURN_IF_ERROR(WriteShipped(shipped));
    {
      absl::MutexLock l(&mu_);
      shipped_ = shipped;
    }
    uploaded++;
  }
  absl::MutexLock l(&mu_);
  shipped_ = std::move(shipped);
  return uploaded;
}

int64_t Shipper::OldestUnshippedMs(const std::vector<std::shared_ptr<tsdb::block::Block>>& blocks) {
  absl::MutexLock l(&mu_);
  if (!shipped_.has_value()) {
    auto read = ReadShipped(fs_, tenant_dir_);
    if (!read.ok()) return 0;  // Sync reports the damage
    shipped_ = *std::move(read);
  }
  int64_t oldest = 0;
  for (const auto& b : blocks) {
    const tsdb::block::Ulid& id = b->meta().ulid;
    if (shipped_->contains(id.ToString())) continue;
    if (oldest == 0 || id.time_ms() < oldest) oldest = id.time_ms();
  }
  return oldest;
}

}  // namespace strata::ingester
