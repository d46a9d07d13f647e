#include "luaos/cluster.hpp"

#include <cassert>
#include <chrono>
#include <stdexcept>

#include "cluster/shard.hpp"
#include "cluster/shard_group.hpp"
#include "cluster/vm_directory.hpp"
#include "luaos/host_functions.hpp"
#include "cluster/worker_pool.hpp"

namespace luaos {

Cluster::Cluster(ClusterOptions options)
    : options_(options),
      memory_cap_(std::make_shared<MemoryCap>(options.memory_cap != 0 ? options.memory_cap : default_memory_cap())),
      network_(std::make_unique<Network>(options.network)),
      directory_(std::make_unique<VmDirectory>()) {
    const unsigned workers = options_.threads == 0 ? 1 : options_.threads;
    const std::size_t shard_vms = options_.shard_vms != 0 ? options_.shard_vms : kDefaultShardVms;
    for (unsigned i = 0; i < workers; ++i) {
        groups_.push_back(std::make_unique<ShardGroup>(options_.runtime, options_.kernel, memory_cap_, shard_vms));
        groups_.back()->set_vm_directory(directory_.get());
    }
    if (workers > 1) pool_ = std::make_unique<WorkerPool>(workers);
}

Cluster::~Cluster() = default;

// New VMs go round-robin over the workers, which keeps workers within one VM
// of each other as long as VMs finish at similar rates.
VirtualMachine& Cluster::create_vm() { return vm(create_vm(VmOptions{})); }

VmHandle Cluster::create_vm(const VmOptions& options) {
    std::uint64_t serial = next_serial_++;
    VirtualMachine& vm = groups_[serial % groups_.size()]->add_vm(serial);
    vm.keep_when_empty_ = options.keep_when_empty;
    const VmHandle handle = directory_->add(vm);
    vm.handle_ = handle;
    return handle;
}

VirtualMachine* Cluster::find_vm(VmHandle handle) const { return directory_->find(handle); }

VirtualMachine& Cluster::vm(VmHandle handle) const {
    VirtualMachine* vm = directory_->find(handle);
    if (vm == nullptr) throw VmRemovedError(handle);
    return *vm;
}

Shard* Cluster::shard_of(const VirtualMachine& vm) const {
    for (const auto& group : groups_) {
        for (const auto& shard : group->shards()) {
            if (&shard->runtime() == &vm.os().runtime()) return shard.get();
        }
    }
    return nullptr;
}

bool Cluster::destroy_vm(VmHandle handle, std::string reason) {
    if (ticking_) throw std::logic_error("Cluster::destroy_vm: a VM cannot be destroyed during a tick");
    VirtualMachine* vm = find_vm(handle);
    if (vm == nullptr) return false;
    vm->os().shut_down(std::move(reason));
    Shard* shard = shard_of(*vm);
    assert(shard != nullptr && "every live VM is in a shard");
    return shard->remove_vm(*vm);
}

bool Cluster::set_keep_when_empty(VmHandle handle, bool keep) {
    VirtualMachine* vm = find_vm(handle);
    if (vm == nullptr) return false;
    vm->keep_when_empty_ = keep;
    // An empty VM set aside is not visited: wake it so that a tick drops it.
    if (!keep && vm->os().is_finished()) shard_of(*vm)->rouse(*vm);
    return true;
}

void Cluster::set_vm_observer(VmObserver* observer) {
    for (auto& group : groups_) group->set_vm_observer(observer);
}

void Cluster::add_host_library(HostLibrary library) {
    auto shared = std::make_shared<const HostLibrary>(std::move(library));
    // Every shard's library is alike: a name taken in one is taken in all,
    // and the first group refuses before any shard has it.
    for (auto& group : groups_) group->add_host_library(shared);
}

VirtualMachine& Cluster::create_stored_vm(const std::vector<BootEntry>& boot) {
    if (!options_.store) throw StoreError("the cluster has no store (ClusterOptions::store)");
    const StoredVmId id = options_.store->create_vm(boot);
    VirtualMachine& vm = create_vm();
    vm.os().attach_files(options_.store, id);
    return vm;
}

VirtualMachine& Cluster::open_stored_vm(StoredVmId id) {
    if (!options_.store) throw StoreError("the cluster has no store (ClusterOptions::store)");
    if (!options_.store->boot_list(id)) throw StoreError("the store holds no VM " + std::to_string(id));
    VirtualMachine& vm = create_vm();
    vm.os().attach_files(options_.store, id);
    return vm;
}

void Cluster::tick() { tick(std::chrono::steady_clock::time_point::max()); }

void Cluster::tick(std::chrono::steady_clock::time_point deadline) {
    const auto start = std::chrono::steady_clock::now();
    ticking_ = true;
    tick_shards(deadline);
    network_->route();
    ticking_ = false;
    ++ticks_;
    merge_tick_stats(std::chrono::steady_clock::now() - start);
    // With every worker idle: the tick's writes, durable together.
    if (options_.store) options_.store->commit();
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
