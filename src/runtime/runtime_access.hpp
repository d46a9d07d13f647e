#pragma once
// The engine's access to what Runtime keeps from hosts: the runtime's own
// functions, the kernel and the cluster reach a runtime's slice accounting,
// preemption, pools and caches through here. Runtime names this struct its
// friend; a host cannot include it (it is under src/).

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "luaos/runtime.hpp"
#include "runtime/task_handlers.hpp"

namespace luaos {

struct RuntimeAccess {
    // The kernel's handlers for what happens to its tasks (runtime/task_handlers.hpp).
    static void install_task_handlers(Runtime& runtime, std::unique_ptr<TaskHandlers> handlers) {
        runtime.install_task_handlers(std::move(handlers));
    }
    static TaskHandlers* task_handlers(const Runtime& runtime) { return runtime.task_handlers_.get(); }
    // The task whose slice is executing now, or null between slices
    // (luaos::current_process gives it as a process).
    static Task* current_task(const Runtime& runtime) { return runtime.current_; }
    // A slice of `task` begins, and ends.
    static void enter_slice(Runtime& runtime, Task& task) { runtime.enter_slice(task); }
    static void leave_slice(Runtime& runtime) { runtime.leave_slice(); }
    // Adds `work` to the running slice's count; false once past cpu_budget.
    static bool charge_slice_work(Runtime& runtime, std::uint64_t work) { return runtime.charge_slice_work(work); }
    // The count hook fired: `instructions` more ran, on the budget too.
    static bool charge_instructions(Runtime& runtime, std::uint64_t instructions) {
        return runtime.charge_instructions(instructions);
    }
    static bool within_cpu_budget(const Runtime& runtime) { return runtime.within_cpu_budget(); }
    static std::uint64_t slice_instructions(const Runtime& runtime) { return runtime.slice_instructions_; }
    // The clock that times slices (kernel/slice_clock.hpp).
    static Runtime::SliceClock& slice_clock(Runtime& runtime) { return runtime.slice_clock_; }
    static Preemption& preemption(Runtime& runtime) { return *runtime.preemption_; }
    static ChunkCache& chunks(Runtime& runtime) { return *runtime.chunks_; }
    static ProcessNames& process_names(Runtime& runtime) { return *runtime.process_names_; }
    static Allocator& allocator(Runtime& runtime) { return *runtime.allocator_; }
    // What Lua's "not enough memory" stands for: the limit that refused last.
    static std::string memory_error_text(const Runtime& runtime) { return runtime.memory_error_text(); }
    // Lua's stack overflow error for the memory error a runaway recursion has
    // just run into, or empty (runtime/memory_errors.hpp).
    static std::string& stack_overflow(Runtime& runtime) { return runtime.stack_overflow_; }
    // A script caught Lua's memory error (runtime/memory_errors.hpp).
    static void count_memory_error(Runtime& runtime) { runtime.count_memory_error(); }
};

}  // namespace luaos
