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
//
// A VM whose Os is finished (no process left) is removed at the end of the
// tick, unless it is kept (VmOptions::keep_when_empty): a kept VM is set
// aside like an idle one, until the host spawns into it or destroys it.

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "kernel/host_functions/async_call_state.hpp"
#include "luaos/kernel_options.hpp"
#include "luaos/runtime.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm.hpp"
#include "net/net_library.hpp"
#include "luaos/vm_lifetime.hpp"

namespace luaos {

class VmDirectory;

class Shard final : private OsActivityListener {
public:
    // Room for `capacity` VMs (up to kMaxReservedVms) is reserved at once:
    // lists grown by doubling leave their old buffers behind as holes
    // between the shards' blocks.
    Shard(const RuntimeOptions& options, const KernelOptions& kernel, std::shared_ptr<MemoryCap> cap,
          std::size_t capacity);

    ~Shard() { inbox_->close(); }
    Shard(const Shard&) = delete;
    Shard& operator=(const Shard&) = delete;

    Runtime& runtime() { return runtime_; }
    // The figures of this shard's share of the tick, taken (Cluster merges them).
    TickStats take_tick_stats();
    VirtualMachine& add_vm(std::uint64_t serial);
    // A tick of the shard comes in three steps, so that a worker can give
    // the turns of several shards in one round-robin (shard_group.hpp):
    // begin_tick counts the tick and wakes the VMs whose timers are due or
    // that the host gave work (asynchronous host calls completed included);
    void begin_tick();
    // run_turns ticks the Os of the awake VMs at [from, to) of the awake
    // list, in order, until `deadline` passes, and returns how many had their
    // turn; with `first_turn_free` the first turn runs even past the
    // deadline, so that a budget smaller than one slice still makes progress;
    std::size_t run_turns(std::size_t from, std::size_t to, std::chrono::steady_clock::time_point deadline,
                          bool first_turn_free);
    // end_tick sets aside the VMs left with nothing to run and drops those
    // whose Os is finished, keeping the cursor on the same VM.
    void end_tick();
    // The index in the awake list where the next round of turns starts.
    std::size_t cursor() const { return cursor_; }
    void set_cursor(std::size_t index) {
        assert(index <= awake_.size());
        cursor_ = index == awake_.size() ? 0 : index;
    }
    std::size_t vm_count() const { return vms_.size(); }
    // VMs that will be ticked next tick, as far as known now.
    std::size_t awake_count() const { return awake_.size(); }
    const std::vector<std::unique_ptr<VirtualMachine>>& vms() const { return vms_; }
    // Where removed VMs are struck out, and who hears of it; either may be null.
    void set_vm_directory(VmDirectory* directory) { directory_ = directory; }
    void set_vm_observer(VmObserver* observer) { vm_observer_ = observer; }
    // Removes a VM of this shard between ticks (Cluster::destroy_vm), after
    // its processes have ended, the way end_tick drops a finished one; false
    // if it is not one of this shard's.
    bool remove_vm(VirtualMachine& vm);
    // Makes a VM set aside awake again, so that the next tick looks at it.
    void rouse(VirtualMachine& vm) { on_active(vm.os()); }

private:
    static constexpr std::size_t kMaxReservedVms = std::size_t{1} << 16;

    void on_active(Os& os) override;
    void wake_due_vms();
    void wake(VirtualMachine& vm);
    void set_aside(VirtualMachine& vm);
    void drop(std::vector<VirtualMachine*>& finished, VmRemoval why);
    void forget(VirtualMachine& vm, VmRemoval why);

    Runtime runtime_;  // declared first: the VMs' processes are released into it
    std::vector<std::unique_ptr<VirtualMachine>> vms_;
    std::vector<VirtualMachine*> awake_;  // round-robin order
    std::size_t cursor_ = 0;              // index in awake_ of the first turn of the next round
    std::set<std::pair<std::uint64_t, VirtualMachine*>> timers_;  // (idle_until, vm)
    std::vector<VirtualMachine*> woken_;  // given work by the host since the last tick
    std::vector<std::size_t> leaving_;    // indices in awake_ of the VMs this tick left idle or finished
    std::uint64_t ticks_ = 0;
    VmDirectory* directory_ = nullptr;
    VmObserver* vm_observer_ = nullptr;
    // Asynchronous host calls completed for this shard's processes, from any
    // thread; delivered by begin_tick. Shared with the calls in flight.
    std::shared_ptr<HostCallInbox> inbox_;
};

}  // namespace luaos
