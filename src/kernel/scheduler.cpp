#include "kernel/scheduler.hpp"

#include <cassert>
#include <lua.hpp>
#include <string>

#include "kernel/shared_kernel.hpp"
#include "kernel/slice_clock.hpp"
#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/error_text.hpp"
#include "runtime/memory_errors.hpp"
#include "runtime/preemption.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/traceback.hpp"

namespace luaos {
namespace {

// The slice's figures for the tick and the observer, once the process has
// counted it itself.
void report_slice(Runtime& runtime, SharedKernel& kernel, const Process& process, const SliceRecord& slice) {
    kernel.record_slice(process, slice);
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
    std::string& overflow = RuntimeAccess::stack_overflow(runtime);
    if (status == LUA_ERRMEM && !overflow.empty()) {
        std::string text = overflow;
        overflow.clear();
        return text;
    }
    std::string text = error_text(thread, -1);
    return text == kLuaMemoryError ? RuntimeAccess::memory_error_text(runtime) : text;
}

}  // namespace

void scheduler_run_slice(Runtime& runtime, Process& process) {
    assert(process.status() == ProcessStatus::Ready && "only ready processes run");
    assert(RuntimeAccess::current_task(runtime) == nullptr && "slices do not nest");
    SharedKernel& kernel = SharedKernel::of(runtime);
    std::uint64_t debt = process.slice_debt_ns();
    if (debt != 0 && RuntimeAccess::preemption(runtime).skip_turn(debt)) {
        process.set_slice_debt_ns(debt);
        process.os().account_turn_sat_out();
        kernel.record_turn_sat_out();
        return;
    }
    lua_State* thread = process.thread();
    const bool timed = runtime.options().accounting;
    const std::uint64_t start = timed ? slice_clock_slice_start(runtime) : 0;

    process.begin_slice();
    RuntimeAccess::enter_slice(runtime, process.task());
    int results = 0;
    int status = lua_resume(thread, runtime.lua(), arguments_to_resume(process, thread), &results);
    const bool preempted = status == LUA_YIELD && process.preempting() && !process.doomed() && !process.gave_up_slice();
    RuntimeAccess::leave_slice(runtime);
    process.set_preempting(false);
    const std::uint64_t end = timed ? slice_clock_now(runtime) : 0;
    // Before the process may end, so that its final figures include this slice.
    const SliceRecord slice{start, end - start, RuntimeAccess::slice_instructions(runtime), preempted};
    process.account_slice(slice);
    report_slice(runtime, kernel, process, slice);

    if (process.doomed()) {
        const bool raised = status != LUA_OK && status != LUA_YIELD;
        if (process.task().ending() != TaskEnding::Finished) process.set_traceback(stack_traceback(runtime.lua(), thread));
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
        default: {
            std::string error = failure_text(runtime, thread, status);
            // Before it fails: ending hands its record on.
            process.set_traceback(stack_traceback(runtime.lua(), thread));
            process.fail(std::move(error));
            break;
        }
    }
}

}  // namespace luaos
