#pragma once
// The VMs a node's control API created, by id. An id names one VM for good:
// it is never given to another VM, and a request naming a VM that is gone
// finds nothing rather than another VM or freed memory.

#include <atomic>
#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "luaos/cluster.hpp"
#include "service/subjects.hpp"

namespace luaos::service {

// A VM that left the cluster, and why: "finished" (its last process ended),
// "destroyed" (a destroy request), or the reason the node gave.
struct RemovedVm {
    VmId vm = 0;
    std::string reason;
};

class VmTable {
public:
    explicit VmTable(Cluster& cluster) : cluster_(cluster) {}

    // A new VM of the cluster; between ticks.
    VmId create();
    // The live VM, or null (never created, removed, or being destroyed).
    VirtualMachine* find(VmId id) const;
    // Kills the VM's processes (their error: `kill_reason`); the VM leaves
    // the cluster at the end of the next tick and sweep() reports it with
    // `removal` ("destroyed", "node_stopped"). False if there is no such VM.
    bool destroy(VmId id, const std::string& removal, const std::string& kill_reason);
    // Live VMs' ids, ascending.
    std::vector<VmId> ids() const;
    std::size_t size() const { return vms_.size(); }
    // Any thread, while `vm` is alive.
    static VmId id_of(const VirtualMachine& vm) { return vm.serial() + 1; }
    // A process ended somewhere (any thread): its VM may leave at this tick's end.
    void note_exit() { exits_.store(true, std::memory_order_relaxed); }
    // After a tick, on the tick thread: the VMs the cluster removed since the
    // last sweep, ascending.
    std::vector<RemovedVm> sweep();

private:
    struct Entry {
        VirtualMachine* vm = nullptr;
        std::string removal;  // set by destroy(); empty while the VM is live
    };

    Cluster& cluster_;
    std::unordered_map<VmId, Entry> vms_;
    std::atomic<bool> exits_{false};
    bool created_ = false;  // a VM created since the last sweep (an empty one leaves at once)
};

}  // namespace luaos::service
