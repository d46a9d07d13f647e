#pragma once
// How a host holds on to a VM: a handle, valid for the VM's whole life and
// never for another VM, looked up in its Cluster when used.
//
// A VirtualMachine& is valid only until its VM is removed, which a cluster
// does on its own once the VM's last process ended (unless the VM is kept,
// VmOptions::keep_when_empty) or when the host destroys it (a VM's life:
// luaos/vm_lifetime.hpp). A handle is an id: Cluster::find_vm answers null
// for a removed VM, Cluster::vm throws VmRemovedError, and neither ever
// reaches freed memory. Host functions tell their caller's VM by its handle
// (luaos/host_functions.hpp), which is why the handle is the kernel's type
// and the rest of a VM's life the cluster's.

#include <compare>
#include <cstdint>

namespace luaos {

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

}  // namespace luaos
