#pragma once
// A shard is the unit of parallelism: one Lua state and the VMs that live in
// it. Only one thread ever touches a shard during a tick, so ticking needs no
// locks; different shards share nothing.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "luaos/runtime.hpp"
#include "luaos/vm.hpp"

namespace luaos {

class Shard {
public:
    Shard(const RuntimeOptions& options, std::shared_ptr<MemoryCap> cap) : runtime_(options, std::move(cap)) {}

    Runtime& runtime() { return runtime_; }
    VirtualMachine& add_vm(std::uint64_t serial);
    // Ticks each VM's Os once, starting where the last tick stopped, until
    // every VM had its turn or `deadline` passed; then drops the VMs whose Os
    // is finished. Returns how many VMs were left without a turn.
    std::size_t tick(std::chrono::steady_clock::time_point deadline);
    std::size_t vm_count() const { return vms_.size(); }
    const std::vector<std::unique_ptr<VirtualMachine>>& vms() const { return vms_; }

private:
    void drop_finished_vms();

    Runtime runtime_;  // declared first: the VMs' processes are released into it
    std::vector<std::unique_ptr<VirtualMachine>> vms_;
    std::size_t next_ = 0;  // the VM whose turn comes first in the next tick
};

}  // namespace luaos
