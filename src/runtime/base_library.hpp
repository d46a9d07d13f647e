#pragma once
// The base functions luaos gives scripts in place of Lua's own: print and
// load, which must act on the calling process, and setmetatable, rawset and
// xpcall, which are guarded against what a hostile script does with them.

struct lua_State;

namespace luaos {

// Sets print, load, setmetatable, rawset and xpcall in the table at `library`.
void base_library_install(lua_State* L, int library);

}  // namespace luaos
