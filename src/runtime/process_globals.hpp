#pragma once
// Where a process's globals live. A process runs its script's shared main
// function, `function(_ENV)` (runtime/chunk_cache.hpp), so its globals
// table is that function's first parameter, in the bottom frame of the
// process's thread, and nowhere else the engine keeps: no registry reference
// and no field of Process. Found there by `load` (its default environment)
// and by the library's fallback for `_G`.
//
// Each globals table starts empty. Its `_G` field is set on first use, by
// the fallback at the end of the library chain (runtime/sandbox.cpp): a hash
// node and its header, 32 bytes that a process which never names `_G` does
// not pay for. Until then `rawget(_ENV, "_G")` and `next(_ENV)` do not see it.

struct lua_State;

namespace luaos {

// Pushes the globals of the process running on L (the value its main
// function's _ENV holds now), or nil outside a process. Walking down to the
// bottom frame is charged to the CPU budget; raises an error when the budget
// runs out first (a stack tens of thousands of frames deep).
void process_globals_push(lua_State* L);

// The __index of the library table's own metatable: a name that neither the
// process's globals nor the library hold. Answers `_G` with the process's
// globals, storing them as its `_G` field for next time; anything else is nil.
int process_globals_fallback(lua_State* L);

}  // namespace luaos
