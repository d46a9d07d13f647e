// The deterministic mode: a count hook that fires every `quantum` VM
// instructions, so that every slice a process is preempted in runs exactly
// its quantum.
//
// The countdown is restarted only where it has to be. When the hook yields a
// thread, Lua has already reset that thread's countdown to the full quantum,
// and marks the interrupted instruction so that it runs, without calling the
// hook again, when the thread resumes. Setting the hook again then would be
// wrong as well as slow: the mark would make the next firing pass, so the
// next slice would run two quanta. (It is slow because lua_sethook walks the
// thread's whole call chain.) A slice that ended any other way (an explicit
// yield, a blocking call) leaves the countdown part-spent, and disarm()
// restarts it for the next slice.

#include <lua.hpp>

#include "runtime/preemption.hpp"

namespace luaos {
namespace {

class InstructionCountPreemption final : public Preemption {
public:
    explicit InstructionCountPreemption(std::uint32_t quantum) : quantum_(static_cast<int>(quantum)) {}

    // A process's first slice: its thread was created without a hook.
    // Coroutines a script creates inherit the hook from the thread creating
    // them, with a full countdown.
    void arm(lua_State* thread) override {
        if (lua_gethook(thread) == nullptr) restart_countdown(thread);
    }
    void switch_thread(lua_State*) override {}
    // A slice is exactly its quantum: nothing is ever owed.
    bool skip_turn(std::uint64_t&) override { return false; }
    std::uint64_t disarm(lua_State* thread) override {
        if (thread != nullptr && thread != yielded_) restart_countdown(thread);
        yielded_ = nullptr;
        return 0;
    }
    // A doomed process's hook fires every instruction (runtime/doom.hpp);
    // what it charges then no longer matters.
    std::uint64_t hook_fired(lua_State* thread) override {
        if (lua_isyieldable(thread)) yielded_ = thread;  // the hook is about to yield it
        return static_cast<std::uint64_t>(lua_gethookcount(thread));
    }

private:
    void restart_countdown(lua_State* thread) { lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, quantum_); }

    int quantum_;
    lua_State* yielded_ = nullptr;  // the thread this slice's hook yields, if it does
};

}  // namespace

std::unique_ptr<Preemption> make_instruction_count_preemption(std::uint32_t quantum) {
    return std::make_unique<InstructionCountPreemption>(quantum);
}

}  // namespace luaos
