#pragma once
// JSON mode's memory of every process: the library removes a process (and a
// finished VM) as soon as it ends, but the report lists them all, with what
// each cost.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "luaos/cluster.hpp"
#include "luaos/observer.hpp"
#include "luaos/stats.hpp"
#include "luaos/uuid.hpp"

namespace luaos::cli {

// Kept small: a report may cover hundreds of thousands of VMs. Figures are
// kept as the library's numbers and only become JSON when written.
struct ProcessRecord {
    Pid pid = 0;
    ProcessStatus status = ProcessStatus::Ready;
    std::string error;   // empty unless it failed or was killed
    std::string traceback;  // Process::traceback(): where its own error ended it, if it did
    std::string output;  // everything it printed
    ProcessStats stats;  // as of its end, or of the end of the run while still running
};

struct VmRecord {
    Uuid id;
    std::vector<ProcessRecord> processes;  // in pid order once the run is over
    // As of its last process's end, or of the end of the run while running.
    VmStats stats;
    bool finished() const;  // none of its processes is still running
};

// The ticks' figures (Cluster::last_tick()) summed over the run.
struct TickSummary {
    std::uint64_t count = 0;
    std::uint64_t wall_ns_total = 0;
    std::uint64_t wall_ns_max = 0;
    // The longest slice of the run, and who ran it (count > 0 and a slice ran).
    std::uint64_t longest_slice_ns = 0;
    bool has_longest_slice = false;
    std::uint64_t longest_vm = 0;
    Pid longest_pid = 0;
    std::string longest_name;

    void add(const TickStats& tick);
};

class ProcessRecords final : public ProcessObserver {
public:
    // Call for each VM in creation order, with how many processes it will hold.
    void add_vm(const VirtualMachine& vm, std::size_t process_count);
    void on_exit(const Process& process) override;
    // Call after every tick, with Cluster::last_tick().
    void after_tick(const TickStats& tick) { ticks_.add(tick); }

    // After the last tick: records the processes still alive (and their VMs'
    // figures) and puts every VM's processes in pid order.
    void finish(Cluster& cluster);
    // Whether any process failed or was killed; ask after finish().
    bool any_ended_badly() const;
    const TickSummary& tick_summary() const { return ticks_; }
    // Hands the records over (to the report), leaving this empty.
    std::vector<VmRecord> take();

private:
    std::mutex mutex_;           // on_exit runs on every worker thread
    std::vector<VmRecord> vms_;  // indexed by VM serial
    TickSummary ticks_;          // main thread only (between ticks)
};

}  // namespace luaos::cli
