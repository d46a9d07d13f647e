#pragma once
// Accounting: what processes, VMs and ticks cost, for operators who need to
// see which scripts eat their frame.

#include <cstddef>
#include <cstdint>
#include <string>

#include "luaos/process.hpp"

namespace luaos {

struct ProcessStats {
    std::uint64_t cpu_ns = 0;        // wall time inside its slices
    std::uint64_t instructions = 0;  // VM instructions, counted by the count hook in whole quanta
    std::uint64_t slices = 0;        // slices run
    std::uint64_t preemptions = 0;   // slices that ended because the quantum ran out
    std::uint64_t ticks_alive = 0;   // ticks of its Os from its spawn to its end (or to now)
    std::uint64_t stdout_bytes = 0;  // bytes of output accepted (after the output limit)
    std::size_t memory = 0;          // Lua memory it holds now (blocks it allocated, not yet freed)
    std::size_t memory_peak = 0;
};

struct VmStats {
    std::uint64_t cpu_ns = 0;
    std::uint64_t instructions = 0;
    std::uint64_t slices = 0;
    std::uint64_t preemptions = 0;
    std::uint64_t ticks = 0;  // times its Os ticked
    std::uint64_t stdout_bytes = 0;
    std::uint64_t processes_spawned = 0;
    // Turns its processes sat out to repay slices that overran (the deadline
    // mode; docs/scheduling.md).
    std::uint64_t turns_sat_out = 0;
    std::size_t memory = 0;  // Lua memory the VM holds now, as its memory limit counts it
    std::size_t memory_peak = 0;
};

// One slice, as ProcessObserver::on_slice reports it.
struct SliceRecord {
    std::uint64_t start_ns = 0;  // std::chrono::steady_clock, nanoseconds since its epoch
    std::uint64_t duration_ns = 0;
    std::uint64_t instructions = 0;
    bool preempted = false;  // ended by the quantum (not a yield, an end or a failure)
};

struct TickStats {
    std::uint64_t tick = 0;           // the Cluster's tick number, from 1
    std::uint64_t wall_ns = 0;        // the whole tick, every shard
    std::uint64_t processes_run = 0;  // slices run in the tick (one per runnable process)
    std::uint64_t turns_sat_out = 0;  // runnable processes that sat out the tick instead (VmStats)
    std::uint64_t vms_deferred = 0;   // VMs the frame budget left for the next tick
    std::uint64_t longest_slice_ns = 0;
    // Who ran that longest slice.
    std::uint64_t longest_vm = 0;  // VM serial
    Pid longest_pid = 0;
    std::string longest_name;
};

}  // namespace luaos
