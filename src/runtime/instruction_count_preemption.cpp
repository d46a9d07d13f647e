// The deterministic mode: a count hook for the whole slice, firing every
// `quantum` VM instructions.

#include <lua.hpp>

#include "runtime/preemption.hpp"

namespace luaos {
namespace {

class InstructionCountPreemption final : public Preemption {
public:
    explicit InstructionCountPreemption(std::uint32_t quantum) : quantum_(static_cast<int>(quantum)) {}

    // Setting the hook also restarts its countdown, so every slice gets a full
    // quantum even if the previous one ended early on an explicit yield.
    // Coroutines a script creates inherit the hook from the thread creating them.
    void arm(lua_State* thread) override { lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, quantum_); }
    void switch_thread(lua_State*) override {}
    // A slice is exactly its quantum: nothing is ever owed.
    bool skip_turn(std::uint64_t&) override { return false; }
    std::uint64_t disarm(lua_State*) override { return 0; }
    // A doomed process's hook fires every instruction (runtime/doom.hpp);
    // what it charges then no longer matters.
    std::uint64_t hook_fired(lua_State* thread) override { return static_cast<std::uint64_t>(lua_gethookcount(thread)); }

private:
    int quantum_;
};

}  // namespace

std::unique_ptr<Preemption> make_instruction_count_preemption(std::uint32_t quantum) {
    return std::make_unique<InstructionCountPreemption>(quantum);
}

}  // namespace luaos
