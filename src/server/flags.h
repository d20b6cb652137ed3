// Command-line flags with Cortex's names, in the syntax of Go's flag package (which Cortex uses):
// `-name=value`, `--name=value`, `-name value`, `--name value`; a boolean also bare (`-name`) but
// never followed by a separate value. Parsing is split from applying because the config file
// named by -config.file has to be loaded between the two.
#ifndef STRATA_SERVER_FLAGS_H_
#define STRATA_SERVER_FLAGS_H_

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config.h"

namespace strata::server {

inline constexpr std::string_view kConfigFileFlag = "config.file";

struct FlagArgs {
  bool help = false;        // -h, -help or --help was given (parsing stopped there)
  std::string config_file;  // -config.file; empty = none
  // The other flags in command-line order as (name without dashes, value text); booleans given
  // bare have the value "true".
  std::vector<std::pair<std::string, std::string>> settings;
};

// Splits `args` (without the program name) into flags. Errors: `flag provided but not defined:
// -foo`, `flag needs an argument: -target`, `bad flag syntax: ---x`, `unexpected argument "x"`
// (positional arguments, including any after "--"), and a value a boolean flag or -config.file
// cannot take. Other values are parsed by ApplyFlags.
absl::StatusOr<FlagArgs> ParseFlagArgs(std::span<const std::string> args);

// Sets the fields named by args.settings, in order (the last occurrence wins). Errors name the
// flag: `-server.http-listen-port: invalid value "x": expected an integer`.
absl::Status ApplyFlags(const FlagArgs& args, Config* config);

}  // namespace strata::server

#endif  // STRATA_SERVER_FLAGS_H_
