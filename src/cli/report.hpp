#pragma once
// The `--json` report, written VM by VM so that a run of hundreds of
// thousands of VMs never holds the whole document in memory at once.

#include <iosfwd>
#include <vector>

#include "cli/process_records.hpp"
#include "luaos/cluster.hpp"

namespace luaos::cli {

struct ReportTimes {
    RunStats run;             // ticks, and elapsed_ms: the time spent ticking
    double setup_ms = 0;      // creating the VMs and spawning their processes
    TickSummary tick_stats;   // ProcessRecords::tick_summary()
    const char* interrupted = nullptr;  // "SIGINT" or "SIGTERM" when a signal stopped the run
};

// {"version", "ticks", "elapsed_ms", "setup_ms", "hit_tick_limit", "interrupted": str | null,
//  "tick_stats": {"count", "wall_ms_total", "wall_ms_max", "wall_ms_mean",
//                 "longest_slice_ms", "longest_slice": {"vm", "pid", "name"} | null},
//  "vms": [{"id", "serial", "finished",
//           "stats": {"cpu_ms", "instructions", "slices", "preemptions", "ticks",
//                     "stdout_bytes", "processes_spawned", "turns_sat_out", "memory",
//                     "memory_peak"},
//           "processes": [{"pid", "status", "error", "stdout", "cpu_ms", "instructions",
//                          "slices", "preemptions", "ticks_alive", "memory",
//                          "memory_peak", "stdout_bytes"}]}]},
// one VM per line. Consumes the records: each VM's are freed once written.
void write_json_report(std::ostream& out, const ReportTimes& times, std::vector<VmRecord> vms);

}  // namespace luaos::cli
