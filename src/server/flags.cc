#include "server/flags.h"

#include <algorithm>
#include <map>

#include "server/config_fields.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::server {
namespace {

// Flag name → kind, for every flag of the table.
std::map<std::string, Kind, std::less<>> FlagKinds() {
  std::map<std::string, Kind, std::less<>> kinds;
  Config defaults;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto&) {
    kinds.emplace(std::string(info.flag), info.kind);
  });
  return kinds;
}

absl::Status Unexpected(std::string_view arg) {
  return absl::InvalidArgumentError(
      StrCat("unexpected argument \"", arg, "\": only flags are accepted (see -help)"));
}

// Sets the field whose flag is `name` from `value`.
struct FlagSetter {
  std::string_view name;
  std::string_view value;
  bool found = false;
  absl::Status status;

  template <typename T>
  void operator()(const FieldInfo& info, T& field) {
    if (found || info.flag != name) return;
    found = true;
    status = Annotate(ParseField(info.kind, value, &field), StrCat("-", name));
  }
};

struct HelpEntry {
  std::string flag;
  std::string_view type;
  std::string_view help;
  std::string default_text;  // empty = print no default
};

std::string QuotedDefault(Kind kind, std::string text) {
  return kind == Kind::kString ? StrCat("\"", text, "\"") : text;
}

}  // namespace

absl::StatusOr<FlagArgs> ParseFlagArgs(std::span<const std::string> args) {
  const auto kinds = FlagKinds();
  FlagArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      if (i + 1 < args.size()) return Unexpected(args[i + 1]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') return Unexpected(arg);
    std::string_view body(arg);
    body.remove_prefix(body[1] == '-' ? 2 : 1);
    if (body.empty() || body[0] == '-' || body[0] == '=') {
      return absl::InvalidArgumentError(StrCat("bad flag syntax: ", arg));
    }
    const size_t eq = body.find('=');
    const std::string name(body.substr(0, eq));
    if (name == "h" || name == "help") {
      out.help = true;
      return out;
    }
    const bool is_config_file = name == kConfigFileFlag;
    auto kind = kinds.find(name);
    if (!is_config_file && kind == kinds.end()) {
      return absl::InvalidArgumentError(StrCat("flag provided but not defined: -", name));
    }
    std::string value;
    if (eq != std::string_view::npos) {
      value = std::string(body.substr(eq + 1));
    } else if (!is_config_file && kind->second == Kind::kBool) {
      value = "true";  // as Go: a bare boolean is true, and never takes the next argument
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(StrCat("flag needs an argument: -", name));
    }
    if (is_config_file) {
      out.config_file = std::move(value);
    } else {
      out.settings.emplace_back(name, std::move(value));
    }
  }
  return out;
}

absl::Status ApplyFlags(const FlagArgs& args, Config* config) {
  for (const auto& [name, value] : args.settings) {
    FlagSetter setter{name, value, false, absl::OkStatus()};
    VisitConfigFields(*config, setter);
    if (!setter.found) {
      return absl::InvalidArgumentError(StrCat("flag provided but not defined: -", name));
    }
    RETURN_IF_ERROR(setter.status);
  }
  return absl::OkStatus();
}

std::string FlagsHelp() {
  std::vector<HelpEntry> entries;
  const Config defaults;
  VisitConfigFields(defaults, [&](const FieldInfo& info, const auto& value) {
    entries.push_back({std::string(info.flag), KindTypeName(info.kind), info.help,
                       QuotedDefault(info.kind, FormatField(info.kind, value))});
  });
  entries.push_back({std::string(kConfigFileFlag), "string",
                     "YAML file to load; flags given on the command line override its values.",
                     ""});
  entries.push_back({"help", "", "Print this help and exit.", ""});
  std::sort(entries.begin(), entries.end(),
            [](const HelpEntry& a, const HelpEntry& b) { return a.flag < b.flag; });
  std::string out = "Usage of strata:\n";
  for (const HelpEntry& e : entries) {
    StrAppend(&out, "  -", e.flag, e.type.empty() ? "" : " ", e.type, "\n    \t", e.help);
    if (!e.default_text.empty()) StrAppend(&out, " (default ", e.default_text, ")");
    out += "\n";
  }
  return out;
}

}  // namespace strata::server
