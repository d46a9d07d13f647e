#include "cluster/shard.hpp"

#include <vector>

namespace luaos {

VirtualMachine& Shard::add_vm(std::uint64_t serial) {
    vms_.push_back(std::make_unique<VirtualMachine>(runtime_, serial));
    return *vms_.back();
}

void Shard::tick() {
    for (auto& vm : vms_) vm->os().tick();
    std::erase_if(vms_, [](const std::unique_ptr<VirtualMachine>& vm) { return vm->os().is_finished(); });
}

}  // namespace luaos
