#include "runtime/preemption.hpp"

#include <lua.hpp>

#include "luaos/detail/task.hpp"
#include "runtime/doom.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos {

void preemption_hook(lua_State* L, lua_Debug* ar) {
    if (ar->event != LUA_HOOKCOUNT) return;
    Runtime& runtime = Runtime::of(L);
    Task* task = RuntimeAccess::current_task(runtime);
    if (task == nullptr) return;
    if (!task->doomed()) {
        const std::uint64_t instructions = RuntimeAccess::preemption(runtime).hook_fired(L);
        if (instructions == 0) return;  // this slice has time left
        const bool within_budget = RuntimeAccess::charge_instructions(runtime, instructions);
        if (lua_isyieldable(L)) {
            // The flag tells the preemption-aware coroutine.resume that this
            // yield is the scheduler's, not the script's (runtime/coroutines.cpp).
            task->set_preempting(true);
            lua_yield(L, 0);  // in a hook this only marks the yield; Lua performs it once we return
            return;
        }
        // Inside a C call boundary (a table.sort comparator, a gsub callback,
        // a metamethod called from C) Lua cannot yield: the slice runs on, on
        // the process's hard CPU budget.
        if (within_budget) return;
        doom_for_cpu(L, *task);
    }
    doom_enforce_in_hook(L, *task);
}

std::unique_ptr<Preemption> make_preemption(const RuntimeOptions& options) {
    switch (options.preemption) {
        case PreemptionMode::InstructionCount: return make_instruction_count_preemption(options.quantum);
        case PreemptionMode::Deadline: return make_deadline_preemption(options.time_slice_us);
    }
    return make_deadline_preemption(options.time_slice_us);
}

}  // namespace luaos
