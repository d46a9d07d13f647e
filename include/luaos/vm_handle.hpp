#pragma once
// How a host holds on to a VM: a handle, valid for the VM's whole life and
// never for another VM, looked up in its Cluster when used.
//
// A VirtualMachine& is valid only until its VM is removed, which a cluster
// does on its own once the VM's last process ended (unless the VM is kept,
// VmOptions::keep_when_empty) or when the host destroys it. A handle is an
// id: Cluster::find_vm answers null for a removed VM, Cluster::vm throws
// VmRemovedError, and neither ever reaches freed memory.

#include <compare>
#include <cstdint>
#include <stdexcept>

namespace luaos {

class VirtualMachine;

class VmHandle {
public:
    constexpr VmHandle() = default;
    // The handle whose value() is `value` (e.g. read back from a host's records).
    static constexpr VmHandle from_value(std::uint64_t value) { return VmHandle(value); }
    // A slot index in the low half, that slot's generation in the high half;
    // 0 is the null handle, which names no VM.
    constexpr std::uint64_t value() const { return value_; }
    constexpr explicit operator bool() const { return value_ != 0; }
    constexpr auto operator<=>(const VmHandle&) const = default;

private:
    constexpr explicit VmHandle(std::uint64_t value) : value_(value) {}
    std::uint64_t value_ = 0;
};

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
