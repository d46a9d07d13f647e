#pragma once
// Everything an embedding host needs: #include <luaos/luaos.hpp>.

#include "luaos/cluster.hpp"
#include "luaos/dialect.hpp"
#include "luaos/kernel_options.hpp"
#include "luaos/network.hpp"
#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "luaos/stats.hpp"
#include "luaos/usage_counters.hpp"
#include "luaos/uuid.hpp"
#include "luaos/vm.hpp"
