#pragma once
// Preemption: how a running process is made to give the CPU back.
//
// Every mode ends in the same place, preemption_hook(): a Lua count hook that
// yields the running thread to the scheduler. Modes differ only in when that
// hook fires. The instruction-count mode fires it every `quantum` VM
// instructions, which makes slices reproducible; the cost is that Lua 5.4
// routes every instruction through its hook trap while a count hook is set.

#include <cstdint>
#include <memory>

struct lua_State;
struct lua_Debug;

namespace luaos {

class Preemption {
public:
    virtual ~Preemption() = default;
    // A slice is about to resume `thread` (the innermost coroutine of a process).
    virtual void arm(lua_State* thread) = 0;
    // The slice is over: the scheduler has control again.
    virtual void disarm(lua_State* thread) = 0;
};

std::unique_ptr<Preemption> make_instruction_count_preemption(std::uint32_t quantum);

// Yields the running process back to the scheduler where Lua allows it.
void preemption_hook(lua_State* L, lua_Debug* ar);

}  // namespace luaos
