#pragma once
// A VirtualMachine is one simulated computer: an identity and one Os.

#include <cstddef>
#include <cstdint>
#include <new>

#include "luaos/os.hpp"
#include "luaos/uuid.hpp"
#include "luaos/vm_handle.hpp"

namespace luaos {

class VirtualMachine {
public:
    // `serial` is the creation index within its Cluster (0 for a stand-alone VM).
    explicit VirtualMachine(Runtime& runtime, std::uint64_t serial = 0);
    // Like a process, a VM lives in its runtime's block pool:
    // `new (runtime) VirtualMachine(runtime, ...)`; delete frees it there.
    static void* operator new(std::size_t size, Runtime& runtime);
    static void operator delete(void* memory, Runtime& runtime);  // if the constructor throws
    static void operator delete(VirtualMachine* vm, std::destroying_delete_t);
    VirtualMachine(const VirtualMachine&) = delete;
    VirtualMachine& operator=(const VirtualMachine&) = delete;

    const Uuid& id() const { return id_; }
    std::uint64_t serial() const { return serial_; }
    // Its lasting name in its Cluster (luaos/vm_handle.hpp); null for a
    // stand-alone VM.
    VmHandle handle() const { return handle_; }
    // Whether it stays once it has no process (VmOptions::keep_when_empty).
    bool keeps_when_empty() const { return keep_when_empty_; }
    Os& os() { return os_; }
    const Os& os() const { return os_; }

private:
    friend class Shard;    // sets an idle VM aside (src/cluster/shard.hpp)
    friend class Cluster;  // sets whether it is kept

    // First, so that the part of a VM every tick touches (the start of its
    // Os) starts its block.
    Os os_;
    // A VM with nothing to run is set aside by its shard until a timer or
    // the host wakes it.
    std::uint64_t idle_since = 0;  // the shard's tick when it was set aside; 0 while awake
    std::uint64_t idle_until = 0;  // the shard's tick its earliest timer ends; 0 for none
    Uuid id_;
    std::uint64_t serial_;
    VmHandle handle_;
    bool keep_when_empty_ = false;
};

}  // namespace luaos
