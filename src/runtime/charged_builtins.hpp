#pragma once
// Builtins whose running time the memory limit does not bound.
//
// The count hook cannot fire inside C code, so a builtin that loops on its own
// holds the CPU for as long as it likes. Most are bounded by the memory limit
// (string.rep, table.concat: their work is proportional to what they
// allocate). These are not, and charge their work to the CPU budget as they
// do it, after checking their arguments as Lua does: table.sort (one step per
// element of each range it partitions, about n log2 n in all), table.move (one
// step per element, even over absent ones, in batches), load (one step per
// byte compiled), and the string matchers find, match, gmatch and gsub
// (runtime/patterns.cpp).
// string.rep is bounded by what it writes, except when it writes nothing:
// repeating an empty string n times loops n times in C, so that case returns
// at once (found by the fuzzer: string.rep("", 1 << 40) held a shard for
// half an hour).

struct lua_State;

namespace luaos {

// Replaces table.sort and table.move in the table library at `index`.
void charged_builtins_install_table(lua_State* L, int index);

// Replaces string.rep in the string library at `index`.
void charged_builtins_install_string(lua_State* L, int index);

}  // namespace luaos
