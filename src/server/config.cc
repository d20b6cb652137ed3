// The start-up sequence: flags parsed → config file loaded → flags applied → tenant overrides
// computed from the final defaults → validated. Flags are parsed before the file is read so a
// mistyped flag is reported even when the file is missing, as Cortex does.
#include "server/config.h"

#include "server/config_yaml.h"
#include "server/flags.h"
#include "util/status_macros.h"
#include "util/strings.h"

namespace strata::server {

absl::StatusOr<Config> ConfigFromYaml(std::string_view yaml) {
  ASSIGN_OR_RETURN(YamlConfigDoc doc, ParseYamlConfig(yaml));
  Config config;
  RETURN_IF_ERROR(ApplyYamlLeaves(doc, &config));
  RETURN_IF_ERROR(ApplyTenantOverrides(doc, &config));
  RETURN_IF_ERROR(Validate(config));
  return config;
}

absl::StatusOr<LoadResult> LoadConfig(std::span<const std::string> args, Fs* fs) {
  ASSIGN_OR_RETURN(FlagArgs flags, ParseFlagArgs(args));
  LoadResult result;
  if (flags.help) {
    result.help_requested = true;
    return result;
  }
  Config& config = result.config;
  YamlConfigDoc doc;
  if (!flags.config_file.empty()) {
    const std::string context = StrCat("config file \"", flags.config_file, "\"");
    absl::StatusOr<std::string> text = fs->ReadFile(flags.config_file);
    RETURN_IF_ERROR_CTX(text.status(), context);
    absl::StatusOr<YamlConfigDoc> parsed = ParseYamlConfig(*text);
    RETURN_IF_ERROR_CTX(parsed.status(), context);
    doc = *std::move(parsed);
    RETURN_IF_ERROR_CTX(ApplyYamlLeaves(doc, &config), context);
  }
  RETURN_IF_ERROR(ApplyFlags(flags, &config));
  if (!flags.config_file.empty()) {
    RETURN_IF_ERROR_CTX(ApplyTenantOverrides(doc, &config),
                        StrCat("config file \"", flags.config_file, "\""));
  }
  RETURN_IF_ERROR(Validate(config));
  return result;
}

absl::StatusOr<LoadResult> LoadConfig(int argc, const char* const* argv, Fs* fs) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return LoadConfig(args, fs);
}

}  // namespace strata::server
