#include "kernel/shared_kernel.hpp"

#include <memory>
#include <utility>

#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos {
namespace {

ProcessStatus status_for(TaskEnding ending) {
    switch (ending) {
        case TaskEnding::None: return ProcessStatus::Ready;
        case TaskEnding::Finished: return ProcessStatus::Finished;
        case TaskEnding::Failed: return ProcessStatus::Failed;
        case TaskEnding::Killed: return ProcessStatus::Killed;
    }
    return ProcessStatus::Failed;
}

}  // namespace

SharedKernel& SharedKernel::install(Runtime& runtime) {
    auto created = std::make_unique<SharedKernel>();
    SharedKernel& kernel = *created;
    RuntimeAccess::install_task_handlers(runtime, std::move(created));
    return kernel;
}

void SharedKernel::record_slice(const Process& process, const SliceRecord& slice) {
    ++tick_stats_.processes_run;
    if (slice.duration_ns < tick_stats_.longest_slice_ns && tick_stats_.processes_run > 1) return;
    tick_stats_.longest_slice_ns = slice.duration_ns;
    tick_stats_.longest_vm = vm_serial_of(process.os());
    tick_stats_.longest_pid = process.pid();
    tick_stats_.longest_name = process.name();
}

TickStats SharedKernel::take_tick_stats() {
    TickStats taken;
    std::swap(taken, tick_stats_);
    return taken;
}

void SharedKernel::doom(Task& task, TaskEnding ending, std::string reason) {
    Process::of(task).doom(status_for(ending), std::move(reason));
}

const std::string& SharedKernel::doom_reason(const Task& task) const { return Process::of(task).error(); }

void SharedKernel::explain_doom(Task& task, std::string detail) { Process::of(task).explain_doom(std::move(detail)); }

std::uint32_t SharedKernel::note_memory_error(Task& task, std::uint32_t window) {
    return Process::of(task).note_memory_error(window);
}

void SharedKernel::write_output(Task& task, std::string_view text) { Process::of(task).write_output(text); }

void set_kernel_options(Runtime& runtime, const KernelOptions& options) { SharedKernel::of(runtime).options = options; }

}  // namespace luaos
