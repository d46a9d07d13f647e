#pragma once
// A shard group is what one worker thread ticks: its shards, one after the
// other, within the same frame budget.
//
// Why more than one shard per worker: Lua's collector ends every cycle with
// an atomic step that visits every thread of the state at once, and a
// script that allocates can make that step happen inside its slice. The
// step's length grows with the threads of the state (0.3 to 0.5 us each:
// 30 ms for 100,000 VMs, 2 to 4 ms for 4,000), so a Lua state must stay
// small for a frame to stay on time, however many VMs a worker has. A shard
// holds at most ClusterOptions::shard_vms VMs; the group opens another
// shard when its shards are full.
//
// Fairness across shards: the frame budget may run out in the middle of the
// group's VMs. The round-robin is over all of them, shard after shard, and
// the next tick resumes at the VM it did not reach; so every VM gets one
// turn per tick at most, and as many as any other over time, wherever its
// shard is.
//
// Sharing work between workers: a tick with no frame budget cannot be cut
// short, so the order of its turns matters to nobody, and its shards may be
// run by any worker. Each worker then takes its own group's shards one at a
// time from the front of the group's ring, and a worker that has run out
// takes the other groups' from the back, until none is left. A shard is
// taken whole, by one worker, so only one thread touches it in a tick. What
// that buys: on a shared machine one worker's CPU is now and then taken away
// for a while, and every tick waited for the slowest worker; its shards are
// now run by the others.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "luaos/runtime.hpp"
#include "luaos/vm.hpp"

namespace luaos {

class HostLibrary;
class ProcessObserver;
class Shard;
class VmDirectory;
class VmObserver;

class ShardGroup {
public:
    ShardGroup(const RuntimeOptions& options, const KernelOptions& kernel, std::shared_ptr<MemoryCap> cap,
               std::size_t shard_vms);
    ~ShardGroup();
    ShardGroup(const ShardGroup&) = delete;
    ShardGroup& operator=(const ShardGroup&) = delete;

    // Places the VM in a shard with room, opening a new shard if none has.
    VirtualMachine& add_vm(std::uint64_t serial);
    // Ticks every shard once and gives every awake VM one turn, in a
    // round-robin across the shards that resumes where the last tick's
    // deadline stopped it. Returns how many awake VMs were left without one.
    std::size_t tick(std::chrono::steady_clock::time_point deadline);
    // A tick without a frame budget, shared between workers: begin_shared_tick
    // on the thread that ticks the cluster, before the workers start; then,
    // on any worker, run_own_shard and run_other_shard each tick one shard
    // not taken yet, from the front and from the back of the ring, and say
    // whether there was one. Every awake VM has its turn: none is deferred.
    void begin_shared_tick();
    bool run_own_shard() { return run_claimed(claim_front()); }
    bool run_other_shard() { return run_claimed(claim_back()); }
    void set_observer(ProcessObserver* observer);
    void set_vm_directory(VmDirectory* directory);
    // Installs the library in every shard, now and later (std::invalid_argument
    // if the name is taken: then nothing is installed).
    void add_host_library(std::shared_ptr<const HostLibrary> library);
    void set_vm_observer(VmObserver* observer);

    const std::vector<std::unique_ptr<Shard>>& shards() const { return shards_; }
    std::size_t vm_count() const;
    std::size_t awake_count() const;

private:
    static constexpr std::size_t kNoShard = ~std::size_t{0};

    Shard& shard_with_room();
    Shard& open_shard();
    std::size_t claim_front();
    std::size_t claim_back();
    bool run_claimed(std::size_t position);

    RuntimeOptions options_;
    KernelOptions kernel_options_;
    std::shared_ptr<MemoryCap> cap_;
    std::size_t shard_vms_;
    ProcessObserver* observer_ = nullptr;
    std::vector<std::shared_ptr<const HostLibrary>> libraries_;  // outlive the shards' runtimes
    VmDirectory* directory_ = nullptr;
    VmObserver* vm_observer_ = nullptr;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::size_t filling_ = 0;  // the shard new VMs go to while it has room
    std::size_t cursor_shard_ = 0;  // the shard whose cursor starts the next round
    // A shared tick's positions in the ring from cursor_shard_ on: the next
    // shard to take from the front (low half) and one past the next to take
    // from the back (high half), in one word so that one compare-and-swap
    // takes a shard.
    std::atomic<std::uint64_t> unclaimed_{0};
};

}  // namespace luaos
