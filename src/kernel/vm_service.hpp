#pragma once
// A service a higher layer attaches to one VM's kernel (the network endpoint,
// src/net): the kernel owns it, destroys it with the VM, and tells it when a
// process ends, so that what the process held (its sockets) is released.
// The kernel knows nothing else of it.

#include "luaos/process.hpp"

namespace luaos {

class VmService {
public:
    virtual ~VmService() = default;
    // `pid` ended and is about to be removed from its Os.
    virtual void on_process_ended(Pid pid) = 0;
};

}  // namespace luaos
