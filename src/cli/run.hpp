#pragma once
// `luaos run` once the command line is valid: build the VMs, tick them, report.

#include <vector>

#include "cli/options.hpp"
#include "cli/scripts.hpp"

namespace luaos::cli {

// Returns the exit status (exit_status.hpp).
int run_command(const RunCommand& command, const std::vector<Script>& scripts);

}  // namespace luaos::cli
