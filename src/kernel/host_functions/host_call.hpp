#pragma once
// The Lua side of host functions: the C closures scripts call.
//
// An immediate call copies its arguments (message rules) into a vector
// reused by every call on the thread, charges their size to the slice's CPU
// budget, calls the host's function inside a try block, and pushes its
// results; an exception's text becomes the script's error. Nothing is
// allocated per call for arguments and results that are numbers, booleans or
// short strings.
//
// An asynchronous call does the same up to the host's function, which gets
// an AsyncCall sharing the call's state (kernel/host_functions/async_call_state.hpp)
// with the process's ProcessApiState; then the process gives up the CPU as
// os.receive does (kernel/process_wait.hpp) until the thread ticking its runtime
// delivers the completion (HostCallInbox::deliver). Its continuation pushes
// the results or raises the host's error.

#include "luaos/host_functions.hpp"

struct lua_State;

namespace luaos {

// Pushes a C closure calling `function` (which must outlive the runtime's use of it).
void host_call_push_function(lua_State* L, const HostLibrary::Function& function);

}  // namespace luaos
