#pragma once
// Calling the builtin a guard wraps.
//
// Guards (charged table.sort, coroutine.close that refuses doomed processes)
// are C closures whose upvalue 1 is the original builtin; once the guard's
// checks pass, it hands over every argument and returns every result.

struct lua_State;

namespace luaos {

// `return call_wrapped_builtin(L);` from a guard.
int call_wrapped_builtin(lua_State* L);

// Replaces library[name] (the table at `library`) by `guard` wrapping it.
void wrap_builtin(lua_State* L, int library, const char* name, int (*guard)(lua_State* L));

}  // namespace luaos
