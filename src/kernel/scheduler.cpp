#include "kernel/scheduler.hpp"

#include <cassert>
#include <lua.hpp>

#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/error_text.hpp"

namespace luaos {

void scheduler_run_slice(Runtime& runtime, Process& process) {
    assert(process.status() == ProcessStatus::Ready && "only ready processes run");
    assert(runtime.current_process() == nullptr && "slices do not nest");
    lua_State* thread = process.thread();

    runtime.enter_slice(process);
    int results = 0;
    int status = lua_resume(thread, runtime.lua(), 0, &results);
    runtime.leave_slice();
    process.set_preempting(false);

    if (process.doomed()) {
        const bool raised = status != LUA_OK && status != LUA_YIELD;
        process.end_doomed(raised ? error_text(thread, -1) : std::string());
        return;
    }
    switch (status) {
        case LUA_YIELD:
            // Preempted, or a coroutine.yield() at the top level: either way
            // the slice is over and the process continues next tick. Whatever
            // a top-level yield passed has no receiver.
            lua_pop(thread, results);
            break;
        case LUA_OK:
            process.finish();
            break;
        default:
            process.fail(error_text(thread, -1));
            break;
    }
}

}  // namespace luaos
