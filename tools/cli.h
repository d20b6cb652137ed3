// Command-line tools built into the strata binary:
//   strata tsdb dump [--min-time=<ms>] [--max-time=<ms>] [--match=<selector>] <dir>
//   strata tsdb list [-r|--human-readable] <dir>
// <dir> is a block directory or a data directory (its blocks are read; its head is not).
// Exit codes: 0 success, 1 an error (message on stderr), 2 bad usage (usage on stderr).
#ifndef STRATA_TOOLS_CLI_H_
#define STRATA_TOOLS_CLI_H_

#include <cstdio>
#include <string>
#include <vector>

namespace strata::tools {

// Dispatches `argv` (`strata tsdb ...`; the server's main routes that here) to a tool and
// returns the process exit code. Output goes to stdout/stderr.
int Main(int argc, char** argv);

// Main with explicit arguments (args[0] is the program name) and output streams, for tests.
// REQUIRES: `out` and `err` are open for writing.
int Run(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);

}  // namespace strata::tools

#endif  // STRATA_TOOLS_CLI_H_
