#pragma once
// `--net-limit NAME=VALUE`: one of the network's limits (NetLimits, whose
// fields give the names) set from the command line.

#include <optional>
#include <string>

#include "luaos/net_limits.hpp"

namespace luaos::cli {

// Sets the limit `assignment` names ("connections_per_vm=512",
// "connection_bytes=128K": byte limits take a SIZE) in `limits`. Returns
// the usage error when the name is unknown or the value is not a positive
// integer that fits; nothing changes then.
std::optional<std::string> set_net_limit(NetLimits& limits, const std::string& assignment);

// The names set_net_limit knows, separated by ", ".
std::string net_limit_names();

}  // namespace luaos::cli
