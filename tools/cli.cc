#include "tools/cli.h"

#include <cstdio>
#include <string_view>

namespace strata::tools {

int Main(int argc, char** argv) {
  std::fprintf(stderr, "usage: strata tsdb dump <block-dir>\n");
  return 2;
}

}  // namespace strata::tools
