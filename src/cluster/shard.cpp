#include "cluster/shard.hpp"

#include <algorithm>
#include <cassert>
#include <vector>

#include "cluster/vm_directory.hpp"
#include "kernel/shared_kernel.hpp"
#include "kernel/slice_clock.hpp"
#include "runtime/preemption.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/steady_clock.hpp"

namespace luaos {

Shard::Shard(const RuntimeOptions& options, const KernelOptions& kernel, std::shared_ptr<MemoryCap> cap,
             std::size_t capacity)
    : runtime_(options, std::move(cap)), inbox_(std::make_shared<HostCallInbox>()) {
    runtime_.set_activity_listener(this);
    net_library_install(runtime_.lua());
    host_call_set_inbox(runtime_.lua(), &inbox_);
    SharedKernel& shared = SharedKernel::of(runtime_);
    shared.options = kernel;
    shared.vm_serial = [](const Os& os) { return os.vm()->serial(); };
    shared.vm_handle = [](const Os& os) { return os.vm()->handle(); };
    vms_.reserve(std::min(capacity, kMaxReservedVms));
    awake_.reserve(std::min(capacity, kMaxReservedVms));
}

TickStats Shard::take_tick_stats() { return SharedKernel::of(runtime_).take_tick_stats(); }

VirtualMachine& Shard::add_vm(std::uint64_t serial) {
    vms_.push_back(std::unique_ptr<VirtualMachine>(new (runtime_) VirtualMachine(runtime_, serial)));
    VirtualMachine& vm = *vms_.back();
    awake_.push_back(&vm);
    return vm;
}

// The host calls in between ticks, on the thread that ticks the cluster.
void Shard::on_active(Os& os) {
    // Every Os of the runtime reports here; only a VM this shard set aside
    // (idle_since != 0) needs waking, and the shard owns those.
    VirtualMachine* vm = os.vm();
    if (vm != nullptr && vm->idle_since != 0) woken_.push_back(vm);
}

void Shard::wake(VirtualMachine& vm) {
    if (vm.idle_since == 0) return;
    if (vm.idle_until != 0) timers_.erase({vm.idle_until, &vm});
    // The ticks it sat out still count for its sleepers.
    vm.os().skip_ticks(ticks_ - 1 - vm.idle_since);
    vm.idle_since = 0;
    vm.idle_until = 0;
    awake_.push_back(&vm);
}

void Shard::wake_due_vms() {
    while (!timers_.empty() && timers_.begin()->first <= ticks_) wake(*timers_.begin()->second);
    for (VirtualMachine* vm : woken_) wake(*vm);
    woken_.clear();
}

// Contract of Os::next_wake_tick: its tick may be left out while ticks() + 1
// is before that; the VM is due again at the shard's tick where its Os
// reaches it.
void Shard::set_aside(VirtualMachine& vm) {
    assert(vm.idle_since == 0 && !vm.os().has_runnable());
    vm.idle_since = ticks_;
    const std::uint64_t wake_tick = vm.os().next_wake_tick();
    if (wake_tick == UINT64_MAX) return;
    const std::uint64_t os_ticks = vm.os().ticks();
    vm.idle_until = ticks_ + (wake_tick > os_ticks ? wake_tick - os_ticks : 1);
    timers_.insert({vm.idle_until, &vm});
}

void Shard::begin_tick() {
    ++ticks_;
    inbox_->deliver();
    wake_due_vms();
}

std::size_t Shard::run_turns(std::size_t from, std::size_t to, std::chrono::steady_clock::time_point deadline,
                             bool first_turn_free) {
    assert(from <= to && to <= awake_.size());
    const bool budgeted = deadline != std::chrono::steady_clock::time_point::max();
    const std::uint64_t deadline_ns = budgeted ? steady_clock_ns(deadline) : 0;
    SliceClockScope clock(runtime_);
    Preemption& preemption = RuntimeAccess::preemption(runtime_);
    const std::uint64_t slice_ns = std::uint64_t{runtime_.options().time_slice_us} * 1000;
    std::size_t index = from;
    for (; index < to; ++index) {
        if (budgeted) {
            // The slice clock's last reading is as good as reading the time.
            const std::uint64_t start = slice_clock_slice_start(runtime_);
            const bool free = first_turn_free && index == from;
            if (!free && start >= deadline_ns) break;
            // A turn that may end past the budget must not wait for the
            // watchdog's signal to end it (runtime/deadline_preemption.cpp).
            preemption.set_ends_frame(start + slice_ns > deadline_ns);
        }
        Os& os = awake_[index]->os();
        os.tick();
        // Noted now, while the VM is in cache: looking again after the tick
        // would miss the cache once more for every VM of a large shard.
        if (os.is_finished() || !os.has_runnable()) leaving_.push_back(index);
    }
    if (budgeted) preemption.set_ends_frame(false);
    return index - from;
}

// Takes the VMs noted in leaving_ off the awake list: those with nothing to
// run are set aside, finished ones dropped. The cursor stays on the same VM
// (or the next one still awake). A VM the tick did not reach stays awake:
// nothing but a tick makes an awake VM finished or leaves it without
// anything to do.
void Shard::end_tick() {
    if (leaving_.empty()) return;
    std::sort(leaving_.begin(), leaving_.end());
    std::vector<VirtualMachine*> finished;
    std::size_t kept = 0;
    std::size_t cursor = 0;
    auto leaving = leaving_.begin();
    for (std::size_t i = 0; i < awake_.size(); ++i) {
        VirtualMachine& vm = *awake_[i];
        if (i == cursor_) cursor = kept;
        if (leaving == leaving_.end() || *leaving != i) {
            awake_[kept++] = &vm;
            continue;
        }
        ++leaving;
        if (vm.os().is_finished() && !vm.keeps_when_empty()) {
            finished.push_back(&vm);
        } else {
            set_aside(vm);
        }
    }
    assert(leaving == leaving_.end() && "every VM noted is on the awake list");
    leaving_.clear();
    awake_.resize(kept);
    cursor_ = kept == 0 ? 0 : cursor % kept;
    drop(finished, VmRemoval::Finished);
}

// Compares pointers only: reading every VM of the shard to find the finished
// ones would touch memory the tick did not. Destroying a VM destroys its
// network endpoint, which tells its peers and the network that it is gone.
void Shard::drop(std::vector<VirtualMachine*>& finished, VmRemoval why) {
    if (finished.empty()) return;
    for (VirtualMachine* vm : finished) forget(*vm, why);
    std::sort(finished.begin(), finished.end());
    std::erase_if(vms_, [&](const std::unique_ptr<VirtualMachine>& vm) {
        return std::binary_search(finished.begin(), finished.end(), vm.get());
    });
}

}  // namespace luaos

namespace luaos {

// Tells the observer while the VM is still readable, then strikes out its handle.
void Shard::forget(VirtualMachine& vm, VmRemoval why) {
    if (vm_observer_ != nullptr) vm_observer_->on_vm_removed(vm, why);
    if (directory_ != nullptr) directory_->remove(vm.handle());
}

bool Shard::remove_vm(VirtualMachine& vm) {
    auto owned = std::find_if(vms_.begin(), vms_.end(), [&](const auto& held) { return held.get() == &vm; });
    if (owned == vms_.end()) return false;
    assert(leaving_.empty() && "VMs are removed between ticks");
    if (auto awake = std::find(awake_.begin(), awake_.end(), &vm); awake != awake_.end()) {
        const auto index = static_cast<std::size_t>(awake - awake_.begin());
        awake_.erase(awake);
        if (index < cursor_) --cursor_;
        if (cursor_ >= awake_.size()) cursor_ = 0;
    }
    if (vm.idle_until != 0) timers_.erase({vm.idle_until, &vm});
    std::erase(woken_, &vm);
    std::vector<VirtualMachine*> destroyed{&vm};
    drop(destroyed, VmRemoval::Destroyed);
    return true;
}

}  // namespace luaos
