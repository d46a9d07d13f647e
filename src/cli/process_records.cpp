#include "cli/process_records.hpp"

#include <algorithm>
#include <cassert>

#include "cli/exit_status.hpp"
#include "luaos/os.hpp"
#include "luaos/vm.hpp"

namespace luaos::cli {
namespace {

ProcessRecord record_of(const Process& process, std::string output) {
    const bool bad = ended_badly(process.status());
    return {process.pid(), process.status(), bad ? process.error() : std::string(),
            bad ? process.traceback() : std::string(), std::move(output), process.stats()};
}

}  // namespace

void TickSummary::add(const TickStats& tick) {
    ++count;
    wall_ns_total += tick.wall_ns;
    wall_ns_max = std::max(wall_ns_max, tick.wall_ns);
    // A tick in which something ran names its longest slice, even if every
    // slice so far took 0 ns (timing off): the first one then stands.
    if (tick.processes_run > 0 && (!has_longest_slice || tick.longest_slice_ns > longest_slice_ns)) {
        has_longest_slice = true;
        longest_slice_ns = tick.longest_slice_ns;
        longest_vm = tick.longest_vm;
        longest_pid = tick.longest_pid;
        longest_name = tick.longest_name;
    }
}

bool VmRecord::finished() const {
    return std::none_of(processes.begin(), processes.end(),
                        [](const ProcessRecord& process) { return process.status == ProcessStatus::Ready; });
}

void ProcessRecords::add_vm(const VirtualMachine& vm, std::size_t process_count) {
    assert(vm.serial() == vms_.size() && "VMs are added in creation order");
    vms_.push_back({vm.id(), {}, {}});
    vms_.back().processes.reserve(process_count);
}

void ProcessRecords::on_exit(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    assert(vm != nullptr && "every process of a cluster belongs to a VM");
    ProcessRecord record = record_of(process, process.output());
    // The VM may be removed right after its last process's exit: its figures
    // are taken at every exit, the last one standing.
    VmStats vm_stats = process.os().stats();
    std::lock_guard lock(mutex_);
    VmRecord& vm_record = vms_[vm->serial()];
    vm_record.processes.push_back(std::move(record));
    vm_record.stats = vm_stats;
}

void ProcessRecords::finish(Cluster& cluster) {
    cluster.for_each_vm([this](VirtualMachine& vm) {
        VmRecord& record = vms_[vm.serial()];
        for (const auto& process : vm.os().processes()) {
            record.processes.push_back(record_of(*process, process->take_output()));
        }
        record.stats = vm.os().stats();
    });
    // Processes end in any order; the report lists them by pid.
    for (VmRecord& vm : vms_) {
        std::sort(vm.processes.begin(), vm.processes.end(),
                  [](const ProcessRecord& a, const ProcessRecord& b) { return a.pid < b.pid; });
    }
}

bool ProcessRecords::any_ended_badly() const {
    return std::any_of(vms_.begin(), vms_.end(), [](const VmRecord& vm) {
        return std::any_of(vm.processes.begin(), vm.processes.end(),
                           [](const ProcessRecord& process) { return ended_badly(process.status); });
    });
}

std::vector<VmRecord> ProcessRecords::take() { return std::move(vms_); }

}  // namespace luaos::cli
