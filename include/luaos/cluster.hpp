#pragma once
// The Cluster is the game loop's world: it owns every VM, ticks them all once
// per frame, and drops a VM once its Os is finished (unless the host keeps
// it, luaos/vm_handle.hpp). VMs are spread over
// shards, one Runtime (Lua state) each, so that shards tick on separate
// threads with nothing shared between them.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "luaos/kernel_options.hpp"
#include "luaos/network.hpp"
#include "luaos/runtime.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm.hpp"
#include "luaos/vm_lifetime.hpp"

namespace luaos {

class HostLibrary;
class ProcessObserver;
class Shard;
class ShardGroup;
class VmDirectory;
class WorkerPool;

// The upstream game loop's rate.
inline constexpr double kDefaultTicksPerSecond = 60.0;

// VMs one shard (one Lua state) holds at most, by default. Lua's collector
// ends each cycle with an atomic step that visits every thread of the state
// at once, inside whichever slice's allocation triggers it. With a script
// that allocates, the longest slice grew by about 0.5 us per VM of the
// shard: 8 ms at 16,000 VMs, 2 to 3 ms at 4,000. Smaller shards cost a Lua
// state (about 43 KB) each (docs/scheduling.md).
inline constexpr std::size_t kDefaultShardVms = 4000;

struct ClusterOptions {
    RuntimeOptions runtime;
    KernelOptions kernel{};  // output and the process API's limits, per process or VM
    unsigned threads = 1;  // worker threads; each ticks its own shards
    // VMs per shard at most; a worker opens more shards as needed. 0 means
    // kDefaultShardVms.
    std::size_t shard_vms = 0;
    // Bytes of Lua memory all VMs together may hold; 0 means three quarters
    // of the machine's physical memory (default_memory_cap()).
    std::size_t memory_cap = 0;
    // The network between the VMs: its limits (docs/security.md).
    NetworkOptions network{};
    // Where stored VMs keep their files (create_stored_vm, open_stored_vm);
    // it is committed after every tick. Null: VMs' files live in memory, a
    // private store each (luaos/file_store.hpp).
    std::shared_ptr<FileStore> store = nullptr;
};

struct RunOptions {
    std::uint64_t max_ticks = 1000;
    double ticks_per_second = 0;  // 0: unpaced, as fast as possible
    // How long one tick may run: past it, no further VM starts its turn in
    // that tick, and the VMs not reached go first in the next one. Zero means a paced
    // run's whole frame (1 / ticks_per_second), and no limit when unpaced.
    std::chrono::nanoseconds frame_budget{0};
    std::ostream* progress = nullptr;  // paced runs print a progress line here
    std::chrono::seconds progress_every{5};
    // Runs on the calling thread after every tick, with every worker idle (so
    // it may touch any VM), before the pacing sleep; counts as ticking time.
    std::function<void()> after_tick;
    // When given, run() stops once it reads true: at the end of the tick
    // under way, without the pacing sleep (which it checks every 50 ms). A
    // signal handler may set it (the CLI's Ctrl-C does).
    const std::atomic<bool>* stop = nullptr;
};

struct RunStats {
    std::uint64_t ticks = 0;
    double elapsed_ms = 0;
    bool hit_tick_limit = false;  // stopped by max_ticks with VMs still running
    bool stopped = false;         // stopped by RunOptions::stop with VMs still running
};

class Cluster {
public:
    explicit Cluster(ClusterOptions options = {});
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // A new VM, removed once it has no process left. The reference is valid
    // until the VM is removed: hold its handle() to use it later.
    VirtualMachine& create_vm();
    // A new VM, as `options` say; use it through its handle (luaos/vm_handle.hpp).
    VmHandle create_vm(const VmOptions& options);
    // The live VM `handle` names, or null once it was removed.
    VirtualMachine* find_vm(VmHandle handle) const;
    // The same, but throws VmRemovedError for a removed VM.
    VirtualMachine& vm(VmHandle handle) const;
    // Ends the VM's live processes as killed (error `reason`; each exit is
    // reported to the ProcessObserver at once), then removes the VM (the
    // VmObserver hears it). Between ticks only (std::logic_error otherwise);
    // false if the handle names no live VM.
    bool destroy_vm(VmHandle handle, std::string reason = "the VM was destroyed");
    // Changes VmOptions::keep_when_empty of a live VM; false if there is none.
    // A VM no longer kept and without processes is removed at the next tick.
    bool set_keep_when_empty(VmHandle handle, bool keep);
    // Hears of every VM removed; may be null.
    void set_vm_observer(VmObserver* observer);
    // Host functions for every VM, now and later (luaos/host_functions.hpp);
    // std::invalid_argument if scripts already have the library's name.
    void add_host_library(HostLibrary library);
    // A new VM kept in the store (ClusterOptions::store) with `boot` as its
    // boot list, not yet booted: write its files, then Os::boot().
    // Throws StoreError without a store.
    VirtualMachine& create_stored_vm(const std::vector<BootEntry>& boot);
    // A VM of the store, with its files as the last commit left them, not yet
    // booted (Os::boot). Throws StoreError when the store has no such VM.
    VirtualMachine& open_stored_vm(StoredVmId id);
    const std::shared_ptr<FileStore>& store() const { return options_.store; }
    // Every VM's Os ticks once (shards in parallel); finished VMs are removed;
    // then the network delivers what the VMs sent (luaos/network.hpp), and the
    // store, if any, commits the tick's writes (it throws StoreError when it
    // cannot: docs/storage.md).
    void tick();
    // The same, but no VM starts its turn after `deadline`: those left go
    // first in the next tick, so that a VM's turn is never lost, only
    // postponed (TickStats::vms_deferred counts them).
    void tick(std::chrono::steady_clock::time_point deadline);
    // Ticks until no VM is left or the tick limit is hit; paced when asked.
    // (VMs kept while empty are left only when destroyed.)
    RunStats run(const RunOptions& options);

    std::size_t vm_count() const;
    // VMs that have something to run next tick; the others (all their
    // processes sleep or wait) cost nothing until a timer or the host wakes them.
    std::size_t awake_vm_count() const;
    // Live processes in every VM (walks every VM: for progress lines, not per tick).
    std::size_t process_count() const;
    // The figures of the last tick().
    const TickStats& last_tick() const { return last_tick_; }
    std::uint64_t ticks() const { return ticks_; }
    // Lua states: at least one per worker thread, more as VMs fill them.
    unsigned shard_count() const;
    const MemoryCap& memory_cap() const { return *memory_cap_; }
    // The VMs' network: their addresses, names, the game's policy. No VM has
    // an address until the host gives it one.
    Network& network() { return *network_; }
    void set_observer(ProcessObserver* observer);
    // Visits live VMs, shard by shard, each shard in creation order.
    void for_each_vm(const std::function<void(VirtualMachine&)>& visit);

private:
    void merge_tick_stats(std::chrono::steady_clock::duration wall);
    void tick_shards(std::chrono::steady_clock::time_point deadline);
    void tick_shards_shared();
    void for_each_shard(const std::function<void(Shard&)>& visit) const;
    Shard* shard_of(const VirtualMachine& vm) const;

    ClusterOptions options_;
    std::shared_ptr<MemoryCap> memory_cap_;
    // Before the VMs: a VM destroyed says goodbye through its shard's outbox.
    std::unique_ptr<Network> network_;
    std::unique_ptr<VmDirectory> directory_;  // outlives the shards, which strike out their VMs
    std::vector<std::unique_ptr<ShardGroup>> groups_;  // one per worker thread
    std::unique_ptr<WorkerPool> pool_;
    std::vector<std::size_t> deferred_;  // per worker, in the last tick
    std::uint64_t next_serial_ = 0;
    std::uint64_t ticks_ = 0;
    bool ticking_ = false;
    TickStats last_tick_;
};

}  // namespace luaos
