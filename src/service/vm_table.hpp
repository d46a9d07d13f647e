#pragma once
// The VMs a node's control API created, by id: the cluster's VM handle
// (luaos/vm_handle.hpp), whose value is never given to another VM, so that a
// request naming a VM that is gone finds nothing rather than another VM.
// The cluster tells the table of every VM it removes (VmObserver): one that
// finished (its last process ended, when it was not kept) on the worker
// ticking it, one destroyed on the tick thread.

#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "luaos/cluster.hpp"
#include "luaos/vm_handle.hpp"
#include "luaos/vm_lifetime.hpp"
#include "service/subjects.hpp"

namespace luaos::service {

// A VM that left the cluster, and why: "finished" (its last process ended),
// "destroyed" (a destroy request), or the reason the node gave.
struct RemovedVm {
    VmId vm = 0;
    std::string reason;
};

class VmTable : public VmObserver {
public:
    // Becomes the cluster's VM observer.
    explicit VmTable(Cluster& cluster);
    ~VmTable() override;
    VmTable(const VmTable&) = delete;
    VmTable& operator=(const VmTable&) = delete;

    // A new VM of the cluster, kept while empty or not; between ticks.
    VmId create(bool keep_when_empty);
    // The live VM, or null (never created, or removed).
    VirtualMachine* find(VmId id) const { return cluster_.find_vm(VmHandle::from_value(id)); }
    // Kills the VM's processes (their error: `kill_reason`; their exits are
    // reported at once) and removes it; sweep() reports it with `removal`
    // ("destroyed", "node_stopped"). False if there is no such VM.
    bool destroy(VmId id, const std::string& removal, const std::string& kill_reason);
    // Live VMs' ids, ascending.
    std::vector<VmId> ids() const;
    std::size_t size() const;
    // Any thread, while `vm` is alive.
    static VmId id_of(const VirtualMachine& vm) { return vm.handle().value(); }
    // On the tick thread: the VMs removed since the last sweep, in the order
    // they left.
    std::vector<RemovedVm> sweep();
    // On the tick thread: the VMs created since the last call (some may be
    // gone again: find() says).
    std::vector<VmId> take_created();

    void on_vm_removed(const VirtualMachine& vm, VmRemoval why) override;

private:
    Cluster& cluster_;
    mutable std::mutex mutex_;  // finished VMs are reported on the workers
    std::set<VmId> live_;
    std::vector<RemovedVm> removed_;
    std::vector<VmId> created_;  // on the tick thread only
    std::string removal_;  // why destroy() removes the VM it is removing
};

}  // namespace luaos::service
