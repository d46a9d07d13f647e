#pragma once
// The cluster's directory of live VMs, behind VmHandle (luaos/vm_handle.hpp).
//
// A slot table: each live VM holds one slot, whose index and generation make
// its handle. Removing a VM frees its slot and bumps the slot's generation,
// so the old handle no longer matches, and a later VM reusing the slot gets a
// handle of its own. A lookup is one index and one compare; a slot costs 16
// bytes, and there are as many as the most VMs ever alive at once.
//
// Shards remove finished VMs while workers tick in parallel, so the table is
// guarded by a mutex (taken once per VM created, removed or looked up, never
// per tick).

#include <cstdint>
#include <mutex>
#include <vector>

#include "luaos/vm_lifetime.hpp"

namespace luaos {

class VmDirectory {
public:
    VmHandle add(VirtualMachine& vm);
    // Null when `handle` names no live VM.
    VirtualMachine* find(VmHandle handle) const;
    void remove(VmHandle handle);

private:
    struct Slot {
        VirtualMachine* vm = nullptr;
        std::uint32_t generation = 1;
        std::uint32_t next_free = 0;  // while free: the next free slot's index + 1, 0 for none
    };

    mutable std::mutex mutex_;
    std::vector<Slot> slots_;
    std::uint32_t first_free_ = 0;  // index + 1, 0 for none
};

}  // namespace luaos
