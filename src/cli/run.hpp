#pragma once
// `luaos run` once the command line is valid: build the VMs, tick them, report.

#include <memory>
#include <vector>

#include "cli/options.hpp"
#include "cli/scripts.hpp"

namespace luaos::cli {

// Returns the exit status (exit_status.hpp).
// `programs` are installed on every VM before its scripts are spawned.
int run_command(const RunCommand& command, const std::vector<Script>& scripts,
                const std::vector<std::shared_ptr<const Program>>& programs = {});

}  // namespace luaos::cli
