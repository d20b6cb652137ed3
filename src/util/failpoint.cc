#include "util/failpoint.h"

#include <atomic>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "util/strings.h"

namespace strata::failpoint {
namespace {

using Table = std::map<std::string, std::unique_ptr<std::atomic<int>>, std::less<>>;

// Parsed once from STRATA_FAILPOINTS; never changes afterwards, so lookups need no lock.
const Table* LoadTable() {
  const char* env = std::getenv("STRATA_FAILPOINTS");
  if (env == nullptr || *env == '\0') return nullptr;
  auto* table = new Table();  // lives for the process
  std::string_view rest(env);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    const int count = eq == std::string_view::npos ? 1 : std::atoi(std::string(item.substr(eq + 1)).c_str());
    table->emplace(std::string(item.substr(0, eq)), std::make_unique<std::atomic<int>>(count));
  }
  return table;
}

}  // namespace

absl::Status Check(std::string_view name) {
  static const Table* const table = LoadTable();
  if (table == nullptr) return absl::OkStatus();
  auto it = table->find(name);
  if (it == table->end()) return absl::OkStatus();
  if (it->second->fetch_sub(1) <= 0) return absl::OkStatus();
  return absl::InternalError(StrCat("failpoint ", name));
}

}  // namespace strata::failpoint
