#pragma once
// How a host hears what processes do without polling every one of them.
// Callbacks run on the thread that ticks the process's VM: in a multi-threaded
// Cluster they may run concurrently, once per worker shard.

#include <string_view>

#include "luaos/process.hpp"
#include "luaos/stats.hpp"

namespace luaos {

class ProcessObserver {
public:
    virtual ~ProcessObserver() = default;
    // A process was spawned (also when it failed to compile: it ends next tick).
    virtual void on_spawn(const Process& process) { (void)process; }
    // A process ran a slice; called right after it, before the process may end.
    virtual void on_slice(const Process& process, const SliceRecord& slice) { (void)process; (void)slice; }
    // A process printed `text` (already newline-terminated per print call).
    virtual void on_output(const Process& process, std::string_view text) { (void)process; (void)text; }
    // A process ended and is about to be removed from its Os.
    virtual void on_exit(const Process& process) { (void)process; }
};

}  // namespace luaos
