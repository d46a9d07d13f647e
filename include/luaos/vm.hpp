#pragma once
// A VirtualMachine is one simulated computer: an identity and one Os.

#include <cstdint>

#include "luaos/os.hpp"
#include "luaos/uuid.hpp"

namespace luaos {

class VirtualMachine {
public:
    // `serial` is the creation index within its Cluster (0 for a stand-alone VM).
    explicit VirtualMachine(Runtime& runtime, std::uint64_t serial = 0);
    VirtualMachine(const VirtualMachine&) = delete;
    VirtualMachine& operator=(const VirtualMachine&) = delete;

    const Uuid& id() const { return id_; }
    std::uint64_t serial() const { return serial_; }
    Os& os() { return os_; }
    const Os& os() const { return os_; }

private:
    Uuid id_;
    std::uint64_t serial_;
    Os os_;
};

}  // namespace luaos
