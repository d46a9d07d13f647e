#include "cluster/shard_group.hpp"

#include <cassert>

#include "cluster/shard.hpp"
#include "kernel/host_functions/host_library_install.hpp"

namespace luaos {

ShardGroup::ShardGroup(const RuntimeOptions& options, const KernelOptions& kernel, std::shared_ptr<MemoryCap> cap,
                       std::size_t shard_vms)
    : options_(options), kernel_options_(kernel), cap_(std::move(cap)), shard_vms_(shard_vms) {
    assert(shard_vms_ > 0 && "a shard holds at least one VM");
    open_shard();
}

ShardGroup::~ShardGroup() = default;

VirtualMachine& ShardGroup::add_vm(std::uint64_t serial) { return shard_with_room().add_vm(serial); }

// The shard being filled takes VMs until it is full; only then are the
// others searched (VMs may have finished there), once per shard_vms VMs.
Shard& ShardGroup::shard_with_room() {
    if (shards_[filling_]->vm_count() < shard_vms_) return *shards_[filling_];
    for (std::size_t i = 0; i < shards_.size(); ++i) {
        if (shards_[i]->vm_count() < shard_vms_) {
            filling_ = i;
            return *shards_[i];
        }
    }
    return open_shard();
}

Shard& ShardGroup::open_shard() {
    shards_.push_back(std::make_unique<Shard>(options_, kernel_options_, cap_, shard_vms_));
    shards_.back()->runtime().set_observer(observer_);
    shards_.back()->set_vm_directory(directory_);
    shards_.back()->set_vm_observer(vm_observer_);
    for (const auto& library : libraries_) host_library_install(shards_.back()->runtime(), *library);
    filling_ = shards_.size() - 1;
    return *shards_.back();
}

// The awake VMs of the group's shards, shard after shard, make one ring, and
// a tick gives one round of it from the cursor: the tail of the cursor's
// shard, the other shards whole, then the head of the cursor's shard. Where
// the deadline stops it, the cursor stays.
std::size_t ShardGroup::tick(std::chrono::steady_clock::time_point deadline) {
    for (auto& shard : shards_) shard->begin_tick();
    const std::size_t count = shards_.size();
    const std::size_t start = cursor_shard_;
    const std::size_t resume = shards_[start]->cursor();
    std::size_t turns = 0;
    bool cut = false;
    auto run = [&](std::size_t index, std::size_t from, std::size_t to) {
        if (cut) return;
        Shard& shard = *shards_[index];
        // Only the group's first turn is free of the deadline: one free turn
        // per shard would let a worker with many shards overrun its frame by
        // as many slices.
        const std::size_t ran = shard.run_turns(from, to, deadline, turns == 0);
        turns += ran;
        if (from + ran == to) return;
        cut = true;
        cursor_shard_ = index;
        for (auto& other : shards_) other->set_cursor(0);
        shard.set_cursor(from + ran);
    };
    run(start, resume, shards_[start]->awake_count());
    for (std::size_t i = 1; i < count; ++i) {
        const std::size_t index = (start + i) % count;
        run(index, 0, shards_[index]->awake_count());
    }
    run(start, 0, resume);
    const std::size_t deferred = awake_count() - turns;
    for (auto& shard : shards_) shard->end_tick();
    return deferred;
}

// Relaxed order is enough for the claims: the word only has to hand each
// shard out once. What a worker did to a shard is seen by the next tick's
// worker through the worker pool's barrier between ticks.
void ShardGroup::begin_shared_tick() {
    unclaimed_.store(shards_.size() << 32, std::memory_order_relaxed);
}

std::size_t ShardGroup::claim_front() {
    std::uint64_t range = unclaimed_.load(std::memory_order_relaxed);
    while (true) {
        const std::uint64_t front = range & 0xFFFFFFFFu;
        if (front == range >> 32) return kNoShard;
        if (unclaimed_.compare_exchange_weak(range, range + 1, std::memory_order_relaxed)) return front;
    }
}

std::size_t ShardGroup::claim_back() {
    std::uint64_t range = unclaimed_.load(std::memory_order_relaxed);
    while (true) {
        const std::uint64_t back = range >> 32;
        if ((range & 0xFFFFFFFFu) == back) return kNoShard;
        if (unclaimed_.compare_exchange_weak(range, range - (std::uint64_t{1} << 32), std::memory_order_relaxed)) {
            return back - 1;
        }
    }
}

// Position `position` of the ring, from the cursor's shard: its turns from
// its cursor round to just before it. With no deadline nothing is cut, so
// the cursors stay where they are.
bool ShardGroup::run_claimed(std::size_t position) {
    if (position == kNoShard) return false;
    Shard& shard = *shards_[(cursor_shard_ + position) % shards_.size()];
    const auto none = std::chrono::steady_clock::time_point::max();
    const std::size_t resume = shard.cursor();
    shard.begin_tick();
    shard.run_turns(resume, shard.awake_count(), none, false);
    shard.run_turns(0, resume, none, false);
    shard.end_tick();
    return true;
}

void ShardGroup::set_observer(ProcessObserver* observer) {
    observer_ = observer;
    for (auto& shard : shards_) shard->runtime().set_observer(observer);
}

void ShardGroup::set_vm_directory(VmDirectory* directory) {
    directory_ = directory;
    for (auto& shard : shards_) shard->set_vm_directory(directory);
}

void ShardGroup::add_host_library(std::shared_ptr<const HostLibrary> library) {
    for (auto& shard : shards_) host_library_install(shard->runtime(), *library);
    libraries_.push_back(std::move(library));
}

void ShardGroup::set_vm_observer(VmObserver* observer) {
    vm_observer_ = observer;
    for (auto& shard : shards_) shard->set_vm_observer(observer);
}

std::size_t ShardGroup::vm_count() const {
    std::size_t count = 0;
    for (const auto& shard : shards_) count += shard->vm_count();
    return count;
}

std::size_t ShardGroup::awake_count() const {
    std::size_t count = 0;
    for (const auto& shard : shards_) count += shard->awake_count();
    return count;
}

}  // namespace luaos
