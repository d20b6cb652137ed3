// Command-line tools built into the strata binary (`strata tsdb …`).
#ifndef STRATA_TOOLS_CLI_H_
#define STRATA_TOOLS_CLI_H_

namespace strata::tools {

// Dispatches `argv` to a tool; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_CLI_H_
