#pragma once
// The base functions luaos gives scripts in place of Lua's own: print and
// load, which must act on the calling process, and setmetatable, rawset and
// xpcall, which are guarded against what a hostile script does with them.

struct lua_State;

namespace luaos {

// print's body: writes each argument as `push_text` pushes it (tab-separated,
// a newline at the end) into the calling process's stdout. Lua and Luau
// processes differ only in how they write numbers.
int print_values(lua_State* L, void (*push_text)(lua_State* L, int index));

// Sets print, load, setmetatable, rawset and xpcall in the table at `library`.
void base_library_install(lua_State* L, int library);

}  // namespace luaos
