#include "runtime/preemption.hpp"

#include <lua.hpp>

#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/doom.hpp"

namespace luaos {

void preemption_hook(lua_State* L, lua_Debug* ar) {
    if (ar->event != LUA_HOOKCOUNT) return;
    Runtime& runtime = Runtime::of(L);
    Process* process = runtime.current_process();
    if (process == nullptr) return;
    if (!process->doomed()) {
        const bool within_budget = runtime.charge_instructions(runtime.options().quantum);
        if (lua_isyieldable(L)) {
            // The flag tells the preemption-aware coroutine.resume that this
            // yield is the scheduler's, not the script's (runtime/coroutines.cpp).
            process->set_preempting(true);
            lua_yield(L, 0);  // in a hook this only marks the yield; Lua performs it once we return
            return;
        }
        // Inside a C call boundary (a table.sort comparator, a gsub callback,
        // a metamethod called from C) Lua cannot yield: the slice runs on, on
        // the process's hard CPU budget.
        if (within_budget) return;
        doom_for_cpu(L, *process);
    }
    doom_enforce_in_hook(L, *process);
}

namespace {

class InstructionCountPreemption final : public Preemption {
public:
    explicit InstructionCountPreemption(std::uint32_t quantum) : quantum_(static_cast<int>(quantum)) {}

    // Setting the hook also restarts its countdown, so every slice gets a full
    // quantum even if the previous one ended early on an explicit yield.
    // Coroutines a script creates inherit the hook from the thread creating them.
    void arm(lua_State* thread) override { lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, quantum_); }
    void disarm(lua_State*) override {}

private:
    int quantum_;
};

}  // namespace

std::unique_ptr<Preemption> make_instruction_count_preemption(std::uint32_t quantum) {
    return std::make_unique<InstructionCountPreemption>(quantum);
}

}  // namespace luaos
