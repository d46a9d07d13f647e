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

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "luaos/runtime.hpp"
#include "luaos/vm.hpp"

namespace luaos {

class ProcessObserver;
class Shard;

class ShardGroup {
public:
    ShardGroup(const RuntimeOptions& options, std::shared_ptr<MemoryCap> cap, std::size_t shard_vms);
    ~ShardGroup();
    ShardGroup(const ShardGroup&) = delete;
    ShardGroup& operator=(const ShardGroup&) = delete;

    // Places the VM in a shard with room, opening a new shard if none has.
    VirtualMachine& add_vm(std::uint64_t serial);
    // Ticks every shard once and gives every awake VM one turn, in a
    // round-robin across the shards that resumes where the last tick's
    // deadline stopped it. Returns how many awake VMs were left without one.
    std::size_t tick(std::chrono::steady_clock::time_point deadline);
    void set_observer(ProcessObserver* observer);

    const std::vector<std::unique_ptr<Shard>>& shards() const { return shards_; }
    std::size_t vm_count() const;
    std::size_t awake_count() const;

private:
    Shard& shard_with_room();
    Shard& open_shard();

    RuntimeOptions options_;
    std::shared_ptr<MemoryCap> cap_;
    std::size_t shard_vms_;
    ProcessObserver* observer_ = nullptr;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::size_t filling_ = 0;  // the shard new VMs go to while it has room
    std::size_t cursor_shard_ = 0;  // the shard whose cursor starts the next round
};

}  // namespace luaos
