#pragma once
// A shard is the unit of parallelism: one Lua state and the VMs that live in
// it. Only one thread ever touches a shard during a tick, so ticking needs no
// locks; different shards share nothing.
//
// A VM whose processes all sleep or wait has nothing to do in a tick, and a
// million of them must cost nothing: the shard sets such a VM aside (off its
// round-robin list of awake VMs) until its earliest timer ends (a set ordered
// by tick) or the host gives it work (OsActivityListener). Its Os then skips
// the ticks it missed, so sleeps still count in ticks.

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "luaos/runtime.hpp"
#include "luaos/vm.hpp"

namespace luaos {

class Shard final : private OsActivityListener {
public:
    Shard(const RuntimeOptions& options, std::shared_ptr<MemoryCap> cap) : runtime_(options, std::move(cap)) {
        runtime_.set_activity_listener(this);
    }

    Runtime& runtime() { return runtime_; }
    VirtualMachine& add_vm(std::uint64_t serial);
    // Wakes the VMs whose timers are due or that the host gave work, then
    // ticks each awake VM's Os once, starting where the last tick stopped,
    // until every awake VM had its turn or `deadline` passed; sets aside the
    // VMs left with nothing to run and drops those whose Os is finished.
    // Returns how many awake VMs were left without a turn.
    std::size_t tick(std::chrono::steady_clock::time_point deadline);
    std::size_t vm_count() const { return vms_.size(); }
    // VMs that will be ticked next tick, as far as known now.
    std::size_t awake_count() const { return awake_.size(); }
    const std::vector<std::unique_ptr<VirtualMachine>>& vms() const { return vms_; }

private:
    void on_active(Os& os) override;
    void wake_due_vms();
    void wake(VirtualMachine& vm);
    void set_aside(VirtualMachine& vm);
    void settle_after_tick();
    void drop(std::vector<VirtualMachine*>& finished);

    Runtime runtime_;  // declared first: the VMs' processes are released into it
    std::vector<std::unique_ptr<VirtualMachine>> vms_;
    std::vector<VirtualMachine*> awake_;  // round-robin order
    std::size_t next_ = 0;                // index in awake_ of the first turn next tick
    std::set<std::pair<std::uint64_t, VirtualMachine*>> timers_;  // (idle_until, vm)
    std::vector<VirtualMachine*> woken_;  // given work by the host since the last tick
    std::vector<std::size_t> leaving_;     // indices in awake_ of the VMs this tick left idle or finished
    std::uint64_t ticks_ = 0;
};

}  // namespace luaos
