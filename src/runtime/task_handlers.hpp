#pragma once
// What the runtime tells the layer that owns its tasks (the kernel): that a
// task broke a limit and must end, and what a task printed. The runtime
// notices both in the middle of a slice (the count hook, a builtin, the
// allocator, print) but knows nothing of processes, their records or their
// observers; the kernel installs its handlers on the Runtime
// (Runtime::install_task_handlers), as the allocator is given its refusal
// handler.

#include <cstdint>
#include <string>
#include <string_view>

#include "luaos/detail/task.hpp"

namespace luaos {

class TaskHandlers {
public:
    virtual ~TaskHandlers() = default;
    // Marks `task` to end as `ending` for `reason`; the first doom stands.
    // The runtime then stops the task at the next point where it can
    // (runtime/doom.hpp).
    virtual void doom(Task& task, TaskEnding ending, std::string reason) = 0;
    // The reason of the doom that stands: what a doomed task raises where it
    // cannot yield.
    virtual const std::string& doom_reason(const Task& task) const = 0;
    // The doomed task's script caught `detail`, the error that told of the
    // doom (runtime/caught_errors.hpp): the first such error leads the
    // task's final error, the doom's reason following in parentheses.
    virtual void explain_doom(Task& task, std::string detail) = 0;
    // The task caught Lua's memory error: counts it, and returns how many it
    // has run into within `window` ticks of the first of them.
    virtual std::uint32_t note_memory_error(Task& task, std::uint32_t window) = 0;
    // print(): `text` goes to the task's stdout.
    virtual void write_output(Task& task, std::string_view text) = 0;
};

}  // namespace luaos
