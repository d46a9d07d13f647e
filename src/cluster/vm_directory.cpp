#include "cluster/vm_directory.hpp"

#include <stdexcept>
#include <string>

namespace luaos {
namespace {

std::uint32_t index_of(VmHandle handle) { return static_cast<std::uint32_t>(handle.value() & 0xFFFFFFFFu) - 1; }
std::uint32_t generation_of(VmHandle handle) { return static_cast<std::uint32_t>(handle.value() >> 32); }
VmHandle handle_of(std::uint32_t index, std::uint32_t generation) {
    return VmHandle::from_value((std::uint64_t{generation} << 32) | (std::uint64_t{index} + 1));
}

}  // namespace

VmRemovedError::VmRemovedError(VmHandle handle)
    : std::out_of_range("luaos: no VM has the handle " + std::to_string(handle.value()) +
                        " (it was removed, or never existed)"),
      handle_(handle) {}

VmHandle VmDirectory::add(VirtualMachine& vm) {
    std::lock_guard lock(mutex_);
    std::uint32_t index = 0;
    if (first_free_ != 0) {
        index = first_free_ - 1;
        first_free_ = slots_[index].next_free;
    } else {
        if (slots_.size() >= 0xFFFFFFFEu) throw std::length_error("luaos: too many VMs alive at once");
        index = static_cast<std::uint32_t>(slots_.size());
        slots_.emplace_back();
    }
    Slot& slot = slots_[index];
    slot.vm = &vm;
    slot.next_free = 0;
    return handle_of(index, slot.generation);
}

VirtualMachine* VmDirectory::find(VmHandle handle) const {
    if (!handle) return nullptr;
    std::lock_guard lock(mutex_);
    const std::uint32_t index = index_of(handle);
    if (index >= slots_.size()) return nullptr;
    const Slot& slot = slots_[index];
    return slot.generation == generation_of(handle) ? slot.vm : nullptr;
}

void VmDirectory::remove(VmHandle handle) {
    std::lock_guard lock(mutex_);
    const std::uint32_t index = index_of(handle);
    if (!handle || index >= slots_.size() || slots_[index].generation != generation_of(handle)) return;
    Slot& slot = slots_[index];
    slot.vm = nullptr;
    // A generation that wrapped to 0 would make a null handle: skip it.
    if (++slot.generation == 0) slot.generation = 1;
    slot.next_free = first_free_;
    first_free_ = index + 1;
}

}  // namespace luaos
