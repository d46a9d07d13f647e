// `luaos serve` in a luaos configured without it (LUAOS_BUILD_SERVE=OFF, the
// default when the tests are not built): the command exists, and says why it
// cannot run.

#include <iostream>

#include "cli/exit_status.hpp"
#include "cli/serve.hpp"

namespace luaos::cli {

int serve_command(const ServeCommand&) {
    std::cerr << "luaos: serve is not built into this luaos: configure with -DLUAOS_BUILD_SERVE=ON "
                 "(it needs Debian's libnats-dev)\n";
    return kExitUsage;
}

}  // namespace luaos::cli
