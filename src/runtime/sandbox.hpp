#pragma once
// The sandbox: what a script can reach.
//
// One table of safe library functions is built per Runtime and shared by every
// process on it. Each process gets its own small globals table whose metatable
// falls back to that shared table: writes land in the process's own table, so
// no process sees another's globals, and a process costs one table, not a copy
// of the standard library.

#include "luaos/dialect.hpp"

struct lua_State;

namespace luaos {

// Builds the shared library tables, Lua's and Luau's (runtime/luau_library.hpp),
// and a globals metatable for each in L's registry.
void sandbox_install(lua_State* L);

// Pushes the shared library table of `dialect` (what its globals fall back
// to), for layers above the runtime that add to it (the kernel's process API).
void sandbox_push_library(lua_State* L, Dialect dialect);

// Pushes a new, empty globals table for one process speaking `dialect`.
void sandbox_push_globals(lua_State* L, Dialect dialect);

}  // namespace luaos
