// The strata binary. Subcommands:
//   strata                      run the server (all roles)   [not yet: issue "Ingester service"]
//   strata tsdb dump <block>    print a block's series and samples, like `promtool tsdb dump`
#include <cstdio>
#include <cstring>

#include "tools/cli.h"

int main(int argc, char** argv) { return strata::tools::Main(argc, argv); }
