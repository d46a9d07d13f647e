#include "luaos/cluster.hpp"

#include <cassert>
#include <chrono>

#include "cluster/shard.hpp"
#include "cluster/shard_group.hpp"
#include "cluster/worker_pool.hpp"

namespace luaos {

Cluster::Cluster(ClusterOptions options)
    : options_(options),
      memory_cap_(std::make_shared<MemoryCap>(options.memory_cap != 0 ? options.memory_cap : default_memory_cap())),
      network_(std::make_unique<Network>(options.network)) {
    const unsigned workers = options_.threads == 0 ? 1 : options_.threads;
    const std::size_t shard_vms = options_.shard_vms != 0 ? options_.shard_vms : kDefaultShardVms;
    for (unsigned i = 0; i < workers; ++i) {
        groups_.push_back(std::make_unique<ShardGroup>(options_.runtime, options_.kernel, memory_cap_, shard_vms));
    }
    if (workers > 1) pool_ = std::make_unique<WorkerPool>(workers);
}

Cluster::~Cluster() = default;

// New VMs go round-robin over the workers, which keeps workers within one VM
// of each other as long as VMs finish at similar rates.
VirtualMachine& Cluster::create_vm() {
    std::uint64_t serial = next_serial_++;
    return groups_[serial % groups_.size()]->add_vm(serial);
}

void Cluster::tick() { tick(std::chrono::steady_clock::time_point::max()); }

void Cluster::tick(std::chrono::steady_clock::time_point deadline) {
    const auto start = std::chrono::steady_clock::now();
    tick_shards(deadline);
    network_->route();
    ++ticks_;
    merge_tick_stats(std::chrono::steady_clock::now() - start);
}

void Cluster::tick_shards(std::chrono::steady_clock::time_point deadline) {
    std::vector<std::size_t>& deferred = deferred_;
    deferred.assign(groups_.size(), 0);
    if (pool_ && deadline == std::chrono::steady_clock::time_point::max()) {
        tick_shards_shared();
    } else if (pool_) {
        assert(pool_->size() == groups_.size() && "one worker per shard group");
        pool_->run([&](unsigned index) { deferred[index] = groups_[index]->tick(deadline); });
    } else {
        deferred.front() = groups_.front()->tick(deadline);
    }
}

// Without a frame budget the workers share the shards (shard_group.hpp):
// each runs its own group's, then helps the others with theirs.
void Cluster::tick_shards_shared() {
    for (auto& group : groups_) group->begin_shared_tick();
    pool_->run([&](unsigned index) {
        while (groups_[index]->run_own_shard()) {
        }
        for (std::size_t k = 1; k < groups_.size(); ++k) {
            ShardGroup& other = *groups_[(index + k) % groups_.size()];
            while (other.run_other_shard()) {
            }
        }
    });
}

void Cluster::merge_tick_stats(std::chrono::steady_clock::duration wall) {
    last_tick_ = TickStats{};
    last_tick_.tick = ticks_;
    last_tick_.wall_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
    for (std::size_t deferred : deferred_) last_tick_.vms_deferred += deferred;
    for_each_shard([&](Shard& shard) {
        TickStats share = shard.take_tick_stats();
        last_tick_.processes_run += share.processes_run;
        last_tick_.turns_sat_out += share.turns_sat_out;
        if (share.processes_run > 0 && share.longest_slice_ns >= last_tick_.longest_slice_ns) {
            last_tick_.longest_slice_ns = share.longest_slice_ns;
            last_tick_.longest_vm = share.longest_vm;
            last_tick_.longest_pid = share.longest_pid;
            last_tick_.longest_name = std::move(share.longest_name);
        }
    });
}

std::size_t Cluster::process_count() const {
    std::size_t count = 0;
    for_each_shard([&](const Shard& shard) {
        for (const auto& vm : shard.vms()) count += vm->os().processes().size();
    });
    return count;
}

std::size_t Cluster::awake_vm_count() const {
    std::size_t count = 0;
    for (const auto& group : groups_) count += group->awake_count();
    return count;
}

std::size_t Cluster::vm_count() const {
    std::size_t count = 0;
    for (const auto& group : groups_) count += group->vm_count();
    return count;
}

void Cluster::set_observer(ProcessObserver* observer) {
    for (auto& group : groups_) group->set_observer(observer);
}

void Cluster::for_each_vm(const std::function<void(VirtualMachine&)>& visit) {
    for_each_shard([&](Shard& shard) {
        for (auto& vm : shard.vms()) visit(*vm);
    });
}

unsigned Cluster::shard_count() const {
    std::size_t count = 0;
    for (const auto& group : groups_) count += group->shards().size();
    return static_cast<unsigned>(count);
}

void Cluster::for_each_shard(const std::function<void(Shard&)>& visit) const {
    for (const auto& group : groups_) {
        for (const auto& shard : group->shards()) visit(*shard);
    }
}

}  // namespace luaos
