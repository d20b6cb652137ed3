#include "util/fs.h"

#include <cerrno>
#include <cstring>

#include "util/strings.h"
#include "util/status_macros.h"

namespace strata {

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (a.back() == '/') return StrCat(a, b);
  return StrCat(a, "/", b);
}

std::string DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

absl::Status ErrnoToStatus(int err, std::string_view op, std::string_view path) {
  std::string msg = StrCat(op, " ", path, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(msg);
    case EEXIST:
      return absl::AlreadyExistsError(msg);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status WriteFileAtomically(Fs* fs, const std::string& path, std::string_view data) {
  const std::string tmp = StrCat(path, ".tmp");
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, fs->NewWritableFile(tmp));
  absl::Status s = f->Append(data);
  if (s.ok()) s = f->Sync();
  if (absl::Status c = f->Close(); s.ok()) s = c;
  if (s.ok()) s = fs->Rename(tmp, path);
  if (!s.ok()) {
    (void)fs->RemoveAll(tmp);
    return s;
  }
  return fs->SyncDir(DirName(path));
}

uint64_t DirBytes(Fs* fs, const std::string& dir) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return 0;
  uint64_t total = 0;
  for (const std::string& n : *names) {
    const std::string path = JoinPath(dir, n);
    if (fs->IsDirectory(path)) {
      total += DirBytes(fs, path);
    } else if (auto size = fs->FileSize(path); size.ok()) {
      total += *size;
    }
  }
  return total;
}

}  // namespace strata
