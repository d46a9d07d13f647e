#pragma once
// Read-only views of the library tables every process shares.
//
// string, table, math and the other libraries are one table each per Runtime,
// reachable from every process: a write to one would be seen by every other
// process and VM. Scripts get a view instead: an empty table whose metatable
// reads through to the library and refuses writes (as Luau's frozen library
// tables do); pairs() on a view walks the library without handing it out.

struct lua_State;

namespace luaos {

// Pushes a read-only view of the table at `index`.
void readonly_push_view(lua_State* L, int index);

// Whether the value at `index` is a read-only view (rawset must refuse it).
bool readonly_is_view(lua_State* L, int index);

}  // namespace luaos
