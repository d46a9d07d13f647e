#pragma once
// The process API as scripts see it: os.getpid, os.spawn, os.wait, os.sleep,
// os.send, io.read, ... (docs/process-api.md). Every function acts on the
// calling process's own VM only: PIDs are looked up in its Os and nowhere else.

struct lua_State;

namespace luaos {

// Adds the process API to the runtime's shared library, once per Lua state.
void os_library_ensure_installed(lua_State* L);

}  // namespace luaos
