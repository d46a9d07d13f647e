#include "cli/run.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

#include "cli/exit_status.hpp"
#include "cli/ordered_output.hpp"
#include "cli/process_records.hpp"
#include "cli/report.hpp"
#include "luaos/cluster.hpp"

namespace luaos::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

ClusterOptions cluster_options(const RunCommand& command) {
    ClusterOptions options;
    options.runtime.quantum = command.quantum;
    options.runtime.memory_limit = command.memory_limit;
    // Plain mode streams output as it is printed; only the JSON report needs
    // each process to keep its own.
    options.runtime.keep_output = command.json;
    // A shard without a VM would only cost a Lua state and an idle thread.
    options.threads = static_cast<unsigned>(std::min<std::uint64_t>(command.threads, command.vms));
    return options;
}

RunOptions run_options(const RunCommand& command) {
    RunOptions options;
    options.max_ticks = command.max_ticks;
    options.ticks_per_second = command.ticks_per_second;
    if (command.ticks_per_second > 0) options.progress = &std::cerr;
    return options;
}

// Creates `command.vms` VMs, each spawning every script in order (PIDs 1, 2,
// ...). A script that does not compile still becomes a process: it fails at
// the first tick and is reported like any other.
template <typename OnVm>
void spawn_vms(Cluster& cluster, const RunCommand& command, const std::vector<Script>& scripts, OnVm on_vm) {
    for (std::uint64_t i = 0; i < command.vms; ++i) {
        VirtualMachine& vm = cluster.create_vm();
        on_vm(vm);
        for (const Script& script : scripts) vm.os().spawn_process(script.code, script.path);
    }
}

std::size_t count_live_processes(Cluster& cluster) {
    std::size_t count = 0;
    cluster.for_each_vm([&count](VirtualMachine& vm) { count += vm.os().processes().size(); });
    return count;
}

int run_with_json_report(const RunCommand& command, const std::vector<Script>& scripts) {
    const auto setup_start = Clock::now();
    Cluster cluster(cluster_options(command));
    ProcessRecords records;
    spawn_vms(cluster, command, scripts, [&](const VirtualMachine& vm) { records.add_vm(vm, scripts.size()); });
    cluster.set_observer(&records);
    ReportTimes times;
    times.setup_ms = ms_since(setup_start);

    times.run = cluster.run(run_options(command));
    records.finish(cluster);
    int status = exit_status(records.any_ended_badly(), times.run.hit_tick_limit);
    write_json_report(std::cout, times, records.take());
    return status;
}

int run_with_plain_output(const RunCommand& command, const std::vector<Script>& scripts) {
    Cluster cluster(cluster_options(command));
    OrderedOutput output(std::cout, std::cerr, command.vms > 1);
    spawn_vms(cluster, command, scripts, [](const VirtualMachine&) {});
    cluster.set_observer(&output);

    RunOptions options = run_options(command);
    options.after_tick = [&output] { output.flush(); };
    RunStats stats = cluster.run(options);
    if (stats.hit_tick_limit) {
        std::cerr << "luaos: stopped at the tick limit (" << stats.ticks << ") with "
                  << count_live_processes(cluster) << " process(es) still running\n";
    }
    return exit_status(output.any_ended_badly(), stats.hit_tick_limit);
}

}  // namespace

int run_command(const RunCommand& command, const std::vector<Script>& scripts) {
    return command.json ? run_with_json_report(command, scripts) : run_with_plain_output(command, scripts);
}

}  // namespace luaos::cli
