#pragma once
// `luaos serve` once the command line is valid: run a node until a signal.

#include "cli/options.hpp"

namespace luaos::cli {

// Returns the exit status: 0 after a clean stop, 1 when NATS could not be
// reached, 2 when this luaos was built without the service.
int serve_command(const ServeCommand& command);

}  // namespace luaos::cli
