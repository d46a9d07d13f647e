#include "service/vm_table.hpp"

#include <algorithm>
#include <unordered_set>

namespace luaos::service {

VmId VmTable::create() {
    VirtualMachine& vm = cluster_.create_vm();
    const VmId id = id_of(vm);
    vms_[id] = Entry{&vm, {}};
    created_ = true;
    return id;
}

VirtualMachine* VmTable::find(VmId id) const {
    auto found = vms_.find(id);
    if (found == vms_.end() || !found->second.removal.empty()) return nullptr;
    return found->second.vm;
}

bool VmTable::destroy(VmId id, const std::string& removal, const std::string& kill_reason) {
    VirtualMachine* vm = find(id);
    if (vm == nullptr) return false;
    vms_[id].removal = removal;
    std::vector<Pid> live;
    for (const Process* process : vm->os().processes()) {
        if (!process->is_finished()) live.push_back(process->pid());
    }
    for (Pid pid : live) vm->os().kill(pid, kill_reason);
    // A VM without processes leaves at the next tick as well.
    created_ = true;
    return true;
}

std::vector<VmId> VmTable::ids() const {
    std::vector<VmId> ids;
    ids.reserve(vms_.size());
    for (const auto& [id, entry] : vms_) {
        if (entry.removal.empty()) ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

// The cluster removes a VM at the end of the tick in which its Os finished,
// which happens only when a process ended (or the VM never had one): so the
// walk over every VM happens only after such ticks.
std::vector<RemovedVm> VmTable::sweep() {
    std::vector<RemovedVm> removed;
    const bool exits = exits_.exchange(false, std::memory_order_relaxed);
    if (!exits && !created_) return removed;
    created_ = false;
    std::unordered_set<VmId> live;
    live.reserve(vms_.size());
    cluster_.for_each_vm([&live](VirtualMachine& vm) { live.insert(id_of(vm)); });
    for (auto it = vms_.begin(); it != vms_.end();) {
        if (live.count(it->first) != 0) {
            ++it;
            continue;
        }
        const std::string& reason = it->second.removal;
        removed.push_back(RemovedVm{it->first, reason.empty() ? std::string("finished") : reason});
        it = vms_.erase(it);
    }
    std::sort(removed.begin(), removed.end(), [](const RemovedVm& a, const RemovedVm& b) { return a.vm < b.vm; });
    return removed;
}

}  // namespace luaos::service
