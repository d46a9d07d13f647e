#pragma once
// What luaos does where a script catches an error: in its pcall and xpcall,
// and in coroutine.resume and wrap, which report a coroutine's error.
//
// Two things are owed there that Lua cannot know of. A memory error counts
// against the process's allowance and may stand for a stack overflow
// (runtime/memory_errors.hpp). And a process doomed by a limit goes on being
// stopped (runtime/doom.hpp) whatever the script catches, but the error it
// caught is the one that says what ran out and where, e.g. `os.spawn_source:
// chunk too large to compile` at the script's line; so the first error caught
// after the doom becomes part of the process's final error, ahead of the
// doom's reason, as when such an error is not caught at all.

struct lua_State;

namespace luaos {

// Call with the error's status and value on top of L; may replace the value
// (a memory error that stands for a stack overflow). Returns whether it did.
bool caught_error(lua_State* L, int status);

}  // namespace luaos
