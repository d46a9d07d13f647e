#include "kernel/scheduler.hpp"

#include <cassert>
#include <lua.hpp>
#include <string>

#include "kernel/slice_clock.hpp"
#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/error_text.hpp"
#include "runtime/memory_errors.hpp"
#include "runtime/preemption.hpp"

namespace luaos {
namespace {

// Before the process may end, so that its final figures include this slice.
void account_slice(Runtime& runtime, Process& process, const SliceRecord& slice) {
    process.account_slice(slice);
    runtime.record_slice(process, slice);
    if (ProcessObserver* observer = runtime.observer()) observer->on_slice(process, slice);
}

// A process's first slice calls its main function with its globals and its
// arguments, which wait on its thread above the function (Os::spawn_process);
// every later slice resumes a yield and passes nothing. Every slice is
// counted (account_slice), so a count of none marks the first, without a call
// into Lua on every slice to ask the thread.
int arguments_to_resume(const Process& process, lua_State* thread) {
    if (process.usage().slices != 0) return 0;
    assert(lua_status(thread) == LUA_OK && "a thread that has never run is not suspended");
    return lua_gettop(thread) - 1;
}

// The error the thread ended with; Lua's memory error names the limit that
// refused, or is the stack overflow it stands for (runtime/memory_errors.hpp).
std::string failure_text(Runtime& runtime, lua_State* thread, int status) {
    std::string& overflow = runtime.stack_overflow();
    if (status == LUA_ERRMEM && !overflow.empty()) {
        std::string text = overflow;
        overflow.clear();
        return text;
    }
    std::string text = error_text(thread, -1);
    return text == kLuaMemoryError ? runtime.memory_error_text() : text;
}

int push_traceback(lua_State* L) {
    luaL_traceback(L, static_cast<lua_State*>(lua_touserdata(L, 1)), nullptr, 0);
    return 1;
}

// Lua's traceback of `thread`, whose stack is as its error or doom left it;
// built by Lua (in a protected call: it allocates), cut to kMaxErrorBytes.
std::string stack_traceback(Runtime& runtime, lua_State* thread) {
    lua_State* L = runtime.lua();
    lua_pushcfunction(L, push_traceback);
    lua_pushlightuserdata(L, thread);
    std::string text;
    if (lua_pcall(L, 1, 1, 0) == LUA_OK) text = error_text(L, -1);
    lua_pop(L, 1);
    return text;
}

bool ended_badly(const Process& process) {
    return process.status() == ProcessStatus::Failed || process.status() == ProcessStatus::Killed;
}

}  // namespace

void scheduler_run_slice(Runtime& runtime, Process& process) {
    assert(process.status() == ProcessStatus::Ready && "only ready processes run");
    assert(runtime.current_process() == nullptr && "slices do not nest");
    std::uint64_t debt = process.slice_debt_ns();
    if (debt != 0 && runtime.preemption().skip_turn(debt)) {
        process.set_slice_debt_ns(debt);
        process.os().account_turn_sat_out();
        runtime.record_turn_sat_out();
        return;
    }
    lua_State* thread = process.thread();
    const bool timed = runtime.options().accounting;
    const std::uint64_t start = timed ? slice_clock_slice_start(runtime) : 0;

    runtime.enter_slice(process);
    int results = 0;
    int status = lua_resume(thread, runtime.lua(), arguments_to_resume(process, thread), &results);
    const bool preempted = status == LUA_YIELD && process.preempting() && !process.doomed() && !process.gave_up_slice();
    runtime.leave_slice();
    process.set_preempting(false);
    const std::uint64_t end = timed ? slice_clock_now(runtime) : 0;
    account_slice(runtime, process, {start, end - start, runtime.slice_instructions(), preempted});

    if (process.doomed()) {
        const bool raised = status != LUA_OK && status != LUA_YIELD;
        std::string traceback = stack_traceback(runtime, thread);
        process.end_doomed(raised ? error_text(thread, -1) : std::string());
        if (ended_badly(process)) process.set_traceback(std::move(traceback));
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
        default: {
            std::string traceback = stack_traceback(runtime, thread);
            process.fail(failure_text(runtime, thread, status));
            process.set_traceback(std::move(traceback));
            break;
        }
    }
}

}  // namespace luaos
