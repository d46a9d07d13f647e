#include "luaos/vm.hpp"

#include "luaos/runtime.hpp"
#include "runtime/allocator.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos {

VirtualMachine::VirtualMachine(Runtime& runtime, std::uint64_t serial)
    : os_(runtime, this), id_(Uuid::random_v4()), serial_(serial) {}

void* VirtualMachine::operator new(std::size_t size, Runtime& runtime) {
    return RuntimeAccess::allocator(runtime).allocate_object(size);
}

void VirtualMachine::operator delete(void* memory, Runtime& runtime) {
    RuntimeAccess::allocator(runtime).free_object(memory, sizeof(VirtualMachine));
}

void VirtualMachine::operator delete(VirtualMachine* vm, std::destroying_delete_t) {
    Allocator& allocator = RuntimeAccess::allocator(vm->os_.runtime());
    vm->~VirtualMachine();
    allocator.free_object(vm, sizeof(VirtualMachine));
}

}  // namespace luaos
