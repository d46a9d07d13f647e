#pragma once
// Stopping a doomed process: one that broke a limit and must end.
//
// A task is doomed (doom(), which tells the kernel through its TaskHandlers)
// where the limit is noticed — the count hook, a builtin charging its steps,
// the allocator — and stopped at the next point where that is possible: where
// Lua can yield, it yields to the scheduler, which then ends the process with
// the doom's status and reason;
// elsewhere (behind a C call boundary) the reason is raised as an error, and
// raised again at every instruction the script runs after catching it, until
// the error has unwound to a point where the process can yield.

#include <string>

#include "luaos/detail/task.hpp"

struct lua_State;

namespace luaos {

class Runtime;

// Marks `task` to end as `ending` for `reason` (the first doom stands).
void doom(Runtime& runtime, Task& task, TaskEnding ending, std::string reason);

// Dooms `task` (killed) for running past its CPU budget where it could not
// yield, and hastens the end.
void doom_for_cpu(lua_State* L, Task& task);

// Makes the hook of `thread` fire at its next instruction.
void doom_hasten(lua_State* thread);

// From a lua_CFunction: `return doom_enforce(L, task);` yields to the
// scheduler if L can yield, else raises the doom's reason.
int doom_enforce(lua_State* L, Task& task);

// From the count hook: the same, in the form a hook must take (a hook yields
// by calling lua_yield and returning).
void doom_enforce_in_hook(lua_State* L, Task& task);

}  // namespace luaos
