#pragma once
// The hard CPU budget: how much work one process may do in one slice where it
// cannot be preempted.
//
// Lua can only yield at a VM instruction outside any C call boundary. Inside
// a table.sort comparator, a gsub callback, a metamethod called from C, or a
// C builtin that loops on its own (pattern matching), the slice cannot end,
// so the work done there is counted against RuntimeOptions::cpu_budget: VM
// instructions by the count hook, builtin steps by cpu_budget_charge(). A
// process that exhausts the budget is killed, so each script can hold up a
// tick at most once in its life, by at most the budget.

#include <cstdint>

struct lua_State;

namespace luaos {

// Charges `steps` units of work (about one VM instruction each) done inside
// a builtin to the process running on L. Returns false once the slice's
// budget is spent: the process is then doomed (it will be killed), and the
// caller must stop and raise its error (luaL_error), e.g. "pattern too complex".
// Outside a process's slice it charges nothing and returns true.
bool cpu_budget_charge(lua_State* L, std::uint64_t steps);

}  // namespace luaos
