#pragma once
// A failed process's stack traceback, as the standalone interpreter prints it.
//
// Lua's own luaL_traceback walks the thread's call stack where the error left
// it (an ended coroutine keeps its frames), names each frame as Lua can (local,
// upvalue, global, method, field) and shows the first 10 and last 11 levels of
// a deep stack, with a "...\t(skipping N levels)" line between them: at most
// 21 frames however deep the recursion. It allocates, so it runs in a
// protected call; memory refused there only costs the traceback. The text is
// capped at kMaxErrorBytes like an error, since frame names come from the
// script (a field name may be any string constant).
//
// One thing is luaos's: a process's main function is the script compiled
// inside a function that takes its arguments (runtime/chunk_cache.cpp), which
// Lua would show as "in function <x.lua:1>"; it is named "in main chunk" as
// the standalone interpreter names it.

#include <string>

struct lua_State;

namespace luaos {

// The traceback of `thread`, built on `L` (a thread that is not `thread`);
// empty if Lua could not build it.
std::string stack_traceback(lua_State* L, lua_State* thread);

}  // namespace luaos
