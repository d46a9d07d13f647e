#pragma once
// JSON mode's memory of every process: the library removes a process (and a
// finished VM) as soon as it ends, but the report lists them all.

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "luaos/cluster.hpp"
#include "luaos/observer.hpp"
#include "luaos/uuid.hpp"

namespace luaos::cli {

// Kept small: a report may cover hundreds of thousands of VMs.
struct ProcessRecord {
    Pid pid = 0;
    ProcessStatus status = ProcessStatus::Ready;
    std::string error;   // empty unless it failed or was killed
    std::string output;  // everything it printed
};

struct VmRecord {
    Uuid id;
    std::vector<ProcessRecord> processes;  // in pid order once the run is over
    bool finished() const;                 // none of its processes is still running
};

class ProcessRecords final : public ProcessObserver {
public:
    // Call for each VM in creation order, with how many processes it will hold.
    void add_vm(const VirtualMachine& vm, std::size_t process_count);
    void on_exit(const Process& process) override;

    // After the last tick: records the processes still alive and puts every
    // VM's processes in pid order.
    void finish(Cluster& cluster);
    // Whether any process failed or was killed; ask after finish().
    bool any_ended_badly() const;
    // Hands the records over (to the report), leaving this empty.
    std::vector<VmRecord> take();

private:
    std::mutex mutex_;          // on_exit runs on every worker thread
    std::vector<VmRecord> vms_;  // indexed by VM serial
};

}  // namespace luaos::cli
