#pragma once
// Everything an embedding host needs: #include <luaos/luaos.hpp>.

#include "luaos/cluster.hpp"
#include "luaos/dialect.hpp"
#include "luaos/kernel_options.hpp"
#include "luaos/network.hpp"
#include "luaos/host_functions.hpp"
#include "luaos/host_value.hpp"
#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "luaos/stats.hpp"
#include "luaos/usage_counters.hpp"
#include "luaos/uuid.hpp"
#include "luaos/vm.hpp"
#include "luaos/vm_handle.hpp"
#include "luaos/vm_lifetime.hpp"
