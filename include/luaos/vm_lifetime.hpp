#pragma once
// A VM's life in a Cluster, as the host sees it: whether it stays once empty,
// how it is removed, and the notice of its removal. The handle that names it
// is luaos/vm_handle.hpp.

#include <cstdint>
#include <stdexcept>

#include "luaos/vm_handle.hpp"

namespace luaos {

class VirtualMachine;

// How a VM is created (Cluster::create_vm).
struct VmOptions {
    // false: the VM is removed once it has no process left (at the end of the
    // tick where its last process ended, or of its first tick if it never had
    // one), as the CLI's VMs are. true: it stays, idle and costing no tick,
    // until the host destroys it (Cluster::destroy_vm); a player's computer.
    bool keep_when_empty = false;
};

// Why a VM was removed (VmObserver::on_vm_removed).
enum class VmRemoval : std::uint8_t {
    Finished,   // its last process ended and it was not kept
    Destroyed,  // the host destroyed it
};

// Thrown by Cluster::vm for a handle whose VM was removed (or never existed).
class VmRemovedError : public std::out_of_range {
public:
    explicit VmRemovedError(VmHandle handle);
    VmHandle handle() const { return handle_; }

private:
    VmHandle handle_;
};

// Hears that a VM is about to be removed: it is still readable (its Os,
// stats, id) during the call, and gone after it. Called on the thread that
// ticks the VM's shard for a finished VM (concurrently per shard, like
// ProcessObserver), on the host's thread for Cluster::destroy_vm.
class VmObserver {
public:
    virtual ~VmObserver() = default;
    virtual void on_vm_removed(const VirtualMachine& vm, VmRemoval why) = 0;
};

}  // namespace luaos
