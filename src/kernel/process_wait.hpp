#pragma once
// How a library function makes its calling process wait (os_library.cpp
// explains it): give_up records why and yields up to the scheduler, which
// parks the process until its event or timer wakes it; the continuation `k`
// then runs and first asks reached_scheduler. Other libraries that park a
// process (src/net) use the same three calls.

#include <cstdint>
#include <lua.hpp>

#include "kernel/process_api_state.hpp"

namespace luaos {

class Os;

int give_up(lua_State* L, Process& self, BlockReason reason, lua_KFunction k, const char* what);
// In a continuation: false, with the request withdrawn, if it never reached the scheduler.
bool reached_scheduler(Process& self);
// Raises the error for a wait that could not reach the scheduler; `what` names the call.
int not_reached(lua_State* L, const char* what);
// The Os's tick `ticks` from now, saturating.
std::uint64_t tick_after(const Os& os, lua_Integer ticks);

}  // namespace luaos
