#pragma once
// Preemption: how a running process is made to give the CPU back.
//
// Every mode ends in the same place, preemption_hook(): a Lua count hook that
// yields the running thread to the scheduler. Modes differ only in when that
// hook is set and fires:
//   - instruction count (instruction_count_preemption.cpp): the hook is set
//     for the whole slice and fires every `quantum` VM instructions, which
//     makes slices reproducible; the cost is that Lua 5.4 routes every
//     instruction through its hook trap while a count hook is set;
//   - deadline (deadline_preemption.cpp): no hook is set while the slice is
//     young; a watchdog thread notices a slice that has outlived its time and
//     has the hook set then, so scripts run at raw Lua speed. Only a slice
//     that may end past a paced tick's frame budget runs under a hook that
//     reads the clock, so that a late watchdog cannot make the frame late.

#include <cstdint>
#include <memory>

#include "luaos/runtime.hpp"

struct lua_State;
struct lua_Debug;

namespace luaos {

class Preemption {
public:
    virtual ~Preemption() = default;
    // Whether a process that owes `debt_ns` of CPU time sits out its turn
    // instead of running a slice; if so, `debt_ns` becomes what it owes after.
    virtual bool skip_turn(std::uint64_t& debt_ns) = 0;
    // A slice is about to resume `thread` (the innermost coroutine of a process).
    virtual void arm(lua_State* thread) = 0;
    // The process moved into or out of one of its coroutines: `thread` runs now.
    virtual void switch_thread(lua_State* thread) = 0;
    // The slice is over: the scheduler has control again. Returns the CPU
    // time it certainly ran past its end, which its process owes (only the
    // deadline mode measures that).
    virtual std::uint64_t disarm(lua_State* thread) = 0;
    // The hook fired on `thread`: the VM instructions that ran since it was
    // set (they count against the CPU budget), or 0 if the slice must go on
    // (a hook left over from an earlier slice is then cleared).
    virtual std::uint64_t hook_fired(lua_State* thread) = 0;
    // Whether the slices that follow may end past the frame budget, so that
    // they must end on time even if the watchdog is late (the deadline mode).
    virtual void set_ends_frame(bool ends_frame) { (void)ends_frame; }
};

std::unique_ptr<Preemption> make_preemption(const RuntimeOptions& options);
std::unique_ptr<Preemption> make_instruction_count_preemption(std::uint32_t quantum);
std::unique_ptr<Preemption> make_deadline_preemption(std::uint32_t time_slice_us);

// Yields the running process back to the scheduler where Lua allows it.
void preemption_hook(lua_State* L, lua_Debug* ar);

}  // namespace luaos
