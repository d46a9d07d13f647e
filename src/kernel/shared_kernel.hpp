#pragma once
// What every Os on one runtime shares: the kernel's options, this runtime's
// share of the tick's figures, and the handlers through which the runtime
// tells the kernel that one of its tasks (a process) was doomed or printed
// (runtime/task_handlers.hpp). Installed on the runtime by its first Os (or
// by set_kernel_options), and owned by it.

#include <cstdint>
#include <string>
#include <string_view>

#include "kernel/host_functions/host_call_scratch.hpp"
#include "luaos/kernel_options.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm_handle.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/task_handlers.hpp"

namespace luaos {

class Os;
class Process;
class Runtime;

class SharedKernel final : public TaskHandlers {
public:
    // The runtime's, installed on first use.
    static SharedKernel& of(Runtime& runtime) {
        // Only the kernel installs handlers on a runtime, so they are this class.
        if (TaskHandlers* handlers = RuntimeAccess::task_handlers(runtime)) [[likely]] {
            return static_cast<SharedKernel&>(*handlers);
        }
        return install(runtime);
    }

    KernelOptions options;
    // Tells which VM an Os belongs to, for TickStats::longest_vm (a cluster
    // sets it; a stand-alone Os reports VM 0).
    std::uint64_t (*vm_serial)(const Os& os) = nullptr;
    // Tells an Os's VM handle in its cluster, for host functions
    // (luaos/host_functions.hpp); a stand-alone Os has the null handle.
    VmHandle (*vm_handle)(const Os& os) = nullptr;
    std::uint64_t vm_serial_of(const Os& os) const { return vm_serial != nullptr ? vm_serial(os) : 0; }
    VmHandle vm_handle_of(const Os& os) const { return vm_handle != nullptr ? vm_handle(os) : VmHandle{}; }
    // Reused by the host calls of this runtime's processes (kernel/host_functions/host_call.cpp).
    HostCallScratch host_call_scratch;

    // This runtime's share of the current tick's figures (Cluster merges them).
    void record_slice(const Process& process, const SliceRecord& slice);
    void record_turn_sat_out() { ++tick_stats_.turns_sat_out; }
    TickStats take_tick_stats();

    void doom(Task& task, TaskEnding ending, std::string reason) override;
    const std::string& doom_reason(const Task& task) const override;
    void explain_doom(Task& task, std::string detail) override;
    std::uint32_t note_memory_error(Task& task, std::uint32_t window) override;
    void write_output(Task& task, std::string_view text) override;

private:
    static SharedKernel& install(Runtime& runtime);
    TickStats tick_stats_;
};

}  // namespace luaos
