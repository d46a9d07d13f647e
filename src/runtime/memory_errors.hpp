#pragma once
// Lua's memory errors, made to say what happened.
//
// Lua raises one fixed error, "not enough memory", whatever refused the
// memory and wherever. Two things are known here that Lua cannot know.
//
// Which limit refused: the VM's memory limit or the cluster's cap
// (Runtime::memory_error_text), which the scheduler names when the error
// ends a process.
//
// And whether it was a runaway recursion. Lua stops one at its own stack limit
// with a "stack overflow" error that a script may catch and go on; but that
// limit (a million stack slots, 16 MB, and as much again in call records) lies
// beyond the default memory limit of a VM, so a recursion runs out of memory
// first. So when Lua's emergency collection could not make room (the
// allocator refuses again) for a coroutine more than kStackOverflowDepth calls
// deep, the refusal is noted as a stack overflow, with the place Lua would
// name; and every place that catches errors (pcall, xpcall, coroutine.resume
// and wrap, the scheduler) turns the memory error that follows into Lua's
// "chunk:line: stack overflow". Lua shrinks the stack as the error unwinds, so
// the memory comes back at once.
//
// Those places also count the memory errors a process catches: each cost an
// emergency collection of the whole shared state, so one process may catch
// only RuntimeOptions::memory_errors_allowed of them within
// memory_error_window ticks, and is doomed at the next.

#include <cstddef>

struct lua_State;

namespace luaos {

class Runtime;

// Deeper than any recursion that is not running away: Lua's own C-call limit
// is 200 levels, and a VM's 16 MiB hold about 100,000 levels of a small function.
inline constexpr int kStackOverflowDepth = 1000;
// Lua's memory error, as its value reads.
inline constexpr const char* kLuaMemoryError = "not enough memory";
// Room for "chunk:line: stack overflow" with Lua's longest chunk name.
inline constexpr std::size_t kStackOverflowTextBytes = 128;

// From the allocator, at a refusal Lua will raise as its memory error: notes
// Lua's stack overflow error if `thread` is a runaway recursion. The note
// lasts until a catcher takes it or the slice ends. Allocates nothing.
void memory_error_note_refusal(Runtime& runtime, lua_State* thread);

// Where an error with `status` was caught on L, its value on top: a memory
// error counts against the process's allowance (Runtime::count_memory_error),
// and one noted as a stack overflow becomes Lua's stack overflow message.
// Returns whether it did the latter.
bool memory_error_caught(lua_State* L, int status);

}  // namespace luaos
