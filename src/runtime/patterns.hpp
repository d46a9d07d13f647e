#pragma once
// Lua's pattern matching (string.find, string.match, string.gmatch and
// string.gsub) rewritten so that its work is charged to the CPU budget.
//
// The stock functions run entirely in C, where the count hook cannot fire,
// and a crafted pattern takes exponential time (string.rep("a*", 40) .. "b"
// against a long run of "a"), a plain find quadratic time. These versions
// give the same results and raise the same errors as Lua 5.4's for every
// input, but charge each step (a matcher transition, a character compared)
// through cpu_budget_charge(), and raise "pattern too complex" once the
// process's budget is spent. The matcher backtracks over an explicit stack
// bounded like Lua's C recursion (200 levels, then "pattern too complex"),
// keeps only plain data on the C stack, and allocates nothing but what the
// results and gsub's luaL_Buffer need.

struct lua_State;

namespace luaos {

// Replaces find, match, gmatch and gsub in the string library table at
// `string_table_index` (the table strings' __index reads too).
void patterns_install(lua_State* L, int string_table_index);

}  // namespace luaos
