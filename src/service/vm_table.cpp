#include "service/vm_table.hpp"

#include <utility>

namespace luaos::service {

VmTable::VmTable(Cluster& cluster) : cluster_(cluster) { cluster_.set_vm_observer(this); }

VmTable::~VmTable() { cluster_.set_vm_observer(nullptr); }

VmId VmTable::create(bool keep_when_empty) {
    const VmId id = cluster_.create_vm(VmOptions{.keep_when_empty = keep_when_empty}).value();
    created_.push_back(id);
    std::lock_guard lock(mutex_);
    live_.insert(id);
    return id;
}

std::vector<VmId> VmTable::take_created() {
    std::vector<VmId> created;
    created.swap(created_);
    return created;
}

bool VmTable::destroy(VmId id, const std::string& removal, const std::string& kill_reason) {
    // The observer hears of it within the call, on this thread.
    removal_ = removal;
    const bool destroyed = cluster_.destroy_vm(VmHandle::from_value(id), kill_reason);
    removal_.clear();
    return destroyed;
}

std::vector<VmId> VmTable::ids() const {
    std::lock_guard lock(mutex_);
    return {live_.begin(), live_.end()};
}

std::size_t VmTable::size() const {
    std::lock_guard lock(mutex_);
    return live_.size();
}

std::vector<RemovedVm> VmTable::sweep() {
    std::vector<RemovedVm> removed;
    std::lock_guard lock(mutex_);
    removed.swap(removed_);
    return removed;
}

void VmTable::on_vm_removed(const VirtualMachine& vm, VmRemoval why) {
    const VmId id = id_of(vm);
    std::lock_guard lock(mutex_);
    if (live_.erase(id) == 0) return;  // not one of the API's VMs
    std::string reason = why == VmRemoval::Finished ? std::string("finished") : removal_;
    if (reason.empty()) reason = "destroyed";
    removed_.push_back(RemovedVm{id, std::move(reason)});
}

}  // namespace luaos::service
