#pragma once
// Engine internals, not for hosts: the headers under luaos/detail/ define what
// a public class holds, so that its size is known, and nothing a host calls.
//
// A Task is what the runtime knows of a running script: the Lua thread it
// resumes, the coroutine that runs now, whether a preemption or a doom is
// under way, the memory account its allocations go to, its dialect, and the
// CPU time it owes. The kernel's Process is a Task (its first base), so the
// runtime drives a slice, preempts it and dooms it without knowing processes;
// it tells the kernel of a doom and of output through the TaskHandlers the
// kernel installs on the Runtime (src/runtime/task_handlers.hpp).
//
// The fields are the ones every slice reads or writes; a process lays its
// own after them, in the same first cache line.

#include <algorithm>
#include <cstdint>

#include "luaos/dialect.hpp"

struct lua_State;

namespace luaos {

class MemoryAccount;

// How a doomed task is to end: the runtime dooms a task Killed (past its CPU
// budget) or Failed (memory refused); the kernel also Finished (os.exit).
// None while it is not doomed.
enum class TaskEnding : std::uint8_t { None, Finished, Failed, Killed };

class Task {
public:
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;

    // The task's own thread, where its main function runs.
    lua_State* thread() const { return thread_; }
    // The innermost coroutine executing, where a slice resumes and where
    // preemption must reach.
    lua_State* running_thread() const { return running_; }
    void set_running_thread(lua_State* thread) { running_ = thread; }
    // Set while a yield is the scheduler's, not the script's.
    bool preempting() const { return preempting_; }
    void set_preempting(bool value) { preempting_ = value; }
    // CPU time its slices certainly ran past their end, repaid a whole slice
    // at a time by sitting out turns (runtime/deadline_preemption.cpp). Kept
    // to 32 bits, saturating: over 4 s of debt already means thousands of
    // turns to sit out.
    std::uint64_t slice_debt_ns() const { return slice_debt_ns_; }
    void set_slice_debt_ns(std::uint64_t debt) {
        slice_debt_ns_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(debt, UINT32_MAX));
    }
    // The account its Lua allocations are charged to.
    MemoryAccount* memory_account() const { return memory_; }
    Dialect dialect() const { return dialect_; }
    void set_dialect(Dialect dialect) { dialect_ = dialect; }
    // Whether it broke a limit and must end (runtime/doom.hpp), and how.
    bool doomed() const { return ending_ != TaskEnding::None; }
    TaskEnding ending() const { return ending_; }

protected:
    explicit Task(MemoryAccount* memory) : memory_(memory) {}
    ~Task() = default;

    static constexpr int kNoRef = -2;  // LUA_NOREF, without including Lua here

    lua_State* thread_ = nullptr;
    lua_State* running_ = nullptr;
    MemoryAccount* memory_;
    std::uint32_t slice_debt_ns_ = 0;
    int thread_ref_ = kNoRef;  // the registry's reference that keeps thread_ alive
    TaskEnding ending_ = TaskEnding::None;
    bool preempting_ = false;
    Dialect dialect_ = Dialect::Lua;
    // The bytes after these are the owner's: a Process puts its status and
    // PID in this class's tail padding.
};

}  // namespace luaos
