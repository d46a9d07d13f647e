#pragma once
// The kernel's access to what Process and Os keep from hosts: the process
// API's Lua functions (os_library.cpp) and the tests reach the engine's side
// of a process or an Os through here. Both classes name this struct their
// friend; a host cannot include it (it is under src/).

#include <string>
#include <string_view>
#include <utility>

#include "kernel/os_bookkeeping.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"

namespace luaos {

struct KernelAccess {
    // The runtime's record of the process: thread, flags, slice debt.
    static Task& task(Process& process) { return process; }
    static ProcessApiState* api_state(const Process& process) { return process.api_state(); }
    static ProcessApiState& ensure_api_state(Process& process) { return process.ensure_api_state(); }
    static void doom(Process& process, ProcessStatus how, std::string reason) {
        process.doom(how, std::move(reason));
    }
    static void write_output(Process& process, std::string_view text) { process.write_output(text); }
    static OsBookkeeping& bookkeeping(Os& os) { return os.bookkeeping(); }
    // Makes a parked process of `os` runnable from the next tick.
    static void wake(Os& os, Process& process) { os.wake(process); }
};

}  // namespace luaos
