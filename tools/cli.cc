#include "tools/cli.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include "tools/selector.h"
#include "tools/tsdb_dump.h"
#include "tools/tsdb_list.h"
#include "util/fs.h"

namespace strata::tools {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage:\n"
    "  strata tsdb dump [--min-time=<ms>] [--max-time=<ms>] [--match=<selector>] <dir>\n"
    "      Print every sample as `promtool tsdb dump` does: {labels} value timestamp.\n"
    "      --match takes a series selector such as 'up{job=~\"a.*\"}'.\n"
    "  strata tsdb list [-r|--human-readable] <dir>\n"
    "      Print one line per block as `promtool tsdb list` does.\n"
    "<dir> is a block directory or a data directory. Only blocks are read: the head (wal/, wbl/,\n"
    "chunks_head/) is not replayed, and nothing is written.\n";

// Flags and positional arguments of one subcommand.
struct ParsedArgs {
  std::vector<std::pair<std::string, std::string>> flags;  // name without dashes → value
  std::vector<std::string> positional;
  bool help = false;
};

// Splits `--name=value`, `--name value` (for flags in `valued`), `-r`, `--` and positionals.
std::optional<ParsedArgs> SplitArgs(const std::vector<std::string>& args, size_t first,
                                    const std::vector<std::string_view>& valued, std::FILE* err) {
  ParsedArgs p;
  bool flags_done = false;
  for (size_t i = first; i < args.size(); i++) {
    const std::string& a = args[i];
    if (flags_done || a.size() < 2 || a[0] != '-') {
      p.positional.push_back(a);
    } else if (a == "--") {
      flags_done = true;
    } else if (a == "-h" || a == "--help") {
      p.help = true;
    } else {
      const size_t dashes = a[1] == '-' ? 2 : 1;
      const size_t eq = a.find('=');
      std::string name =
          a.substr(dashes, eq == std::string::npos ? std::string::npos : eq - dashes);
      const bool needs_value = std::find(valued.begin(), valued.end(), name) != valued.end();
      if (eq != std::string::npos) {
        p.flags.emplace_back(std::move(name), a.substr(eq + 1));
      } else if (needs_value) {
        if (i + 1 == args.size()) {
          std::fprintf(err, "flag %s needs a value\n", a.c_str());
          return std::nullopt;
        }
        p.flags.emplace_back(std::move(name), args[++i]);
      } else {
        p.flags.emplace_back(std::move(name), "");
      }
    }
  }
  return p;
}

bool ParseInt64(const std::string& s, int64_t* v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && end == s.data() + s.size();
}

// Fills DumpOptions from the flags; false (with a message on `err`) on a bad flag.
bool DumpOptionsFromFlags(const ParsedArgs& p, DumpOptions* opts, std::FILE* err) {
  for (const auto& [name, value] : p.flags) {
    if (name == "min-time" || name == "max-time") {
      int64_t* dst = name == "min-time" ? &opts->min_time : &opts->max_time;
      if (!ParseInt64(value, dst)) {
        std::fprintf(err, "--%s: not an integer timestamp in ms: \"%s\"\n", name.c_str(),
                     value.c_str());
        return false;
      }
    } else if (name == "match") {
      auto ms = ParseSeriesSelector(value);
      if (!ms.ok()) {
        std::fprintf(err, "--match: %s\n", std::string(ms.status().message()).c_str());
        return false;
      }
      opts->matchers = *std::move(ms);
    } else {
      std::fprintf(err, "unknown flag --%s\n", name.c_str());
      return false;
    }
  }
  return true;
}

int Usage(std::FILE* err) {
  std::fputs(kUsage, err);
  return kExitUsage;
}

int Fail(const absl::Status& s, std::FILE* err) {
  std::fprintf(err, "error: %s\n", std::string(s.message()).c_str());
  return kExitError;
}

// Output failures (a closed pipe, a full disk) are errors too.
int Finish(std::FILE* out, std::FILE* err) {
  if (std::fflush(out) != 0 || std::ferror(out)) {
    std::fputs("error: writing output failed\n", err);
    return kExitError;
  }
  return kExitOk;
}

int RunDump(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  auto p = SplitArgs(args, 3, {"min-time", "max-time", "match"}, err);
  if (!p.has_value()) return Usage(err);
  if (p->help) {
    std::fputs(kUsage, out);
    return kExitOk;
  }
  DumpOptions opts;
  if (!DumpOptionsFromFlags(*p, &opts, err) || p->positional.size() != 1) return Usage(err);
  absl::Status s = DumpBlocks(DefaultFs(), p->positional[0], opts, [out](std::string_view chunk) {
    std::fwrite(chunk.data(), 1, chunk.size(), out);
  });
  if (!s.ok()) {
    std::fflush(out);
    return Fail(s, err);
  }
  return Finish(out, err);
}

int RunList(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  auto p = SplitArgs(args, 3, {}, err);
  if (!p.has_value()) return Usage(err);
  if (p->help) {
    std::fputs(kUsage, out);
    return kExitOk;
  }
  bool human = false;
  for (const auto& [name, value] : p->flags) {
    if ((name != "r" && name != "human-readable") || !value.empty()) {
      std::fprintf(err, "unknown flag %s\n", name.c_str());
      return Usage(err);
    }
    human = true;
  }
  if (p->positional.size() != 1) return Usage(err);
  auto table = ListBlocks(DefaultFs(), p->positional[0], human);
  if (!table.ok()) return Fail(table.status(), err);
  std::fwrite(table->data(), 1, table->size(), out);
  return Finish(out, err);
}

}  // namespace

int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
  if (args.size() == 2 && (args[1] == "-h" || args[1] == "--help" || args[1] == "help")) {
    std::fputs(kUsage, out);
    return kExitOk;
  }
  if (args.size() < 3 || args[1] != "tsdb") return Usage(err);
  if (args[2] == "dump") return RunDump(args, out, err);
  if (args[2] == "list") return RunList(args, out, err);
  std::fprintf(err, "unknown command: tsdb %s\n", args[2].c_str());
  return Usage(err);
}

int Main(int argc, char** argv) {
  return Run(std::vector<std::string>(argv, argv + argc), stdout, stderr);
}

}  // namespace strata::tools
