#include "luaos/vm.hpp"

namespace luaos {

VirtualMachine::VirtualMachine(Runtime& runtime, std::uint64_t serial)
    : id_(Uuid::random_v4()), serial_(serial), os_(runtime, this) {}

}  // namespace luaos
