#pragma once
// The scripts' coroutine library, made aware of preemption.
//
// A preemption is a yield from the count hook. Inside a script's own coroutine
// that yield would land in the script's coroutine.resume as if the coroutine
// had yielded nothing. Our resume and wrap recognise it (the process's
// `preempting` flag) and pass it up instead: the resumer itself yields, with a
// continuation, until the process's main thread yields to the scheduler. When
// the scheduler resumes the process, each continuation resumes the coroutine
// below it, and the innermost continues at the instruction where it stopped.

struct lua_State;

namespace luaos {

// Pushes the coroutine library table for scripts.
void push_coroutine_library(lua_State* L);

}  // namespace luaos
