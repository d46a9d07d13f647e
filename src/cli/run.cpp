#include "cli/run.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string_view>

#include "cli/exit_status.hpp"
#include "cli/fan_out.hpp"
#include "cli/ordered_output.hpp"
#include "cli/process_records.hpp"
#include "cli/report.hpp"
#include "cli/timeline_svg.hpp"
#include "cli/top_view.hpp"
#include "cli/trace_writer.hpp"
#include "luaos/cluster.hpp"

namespace luaos::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

ClusterOptions cluster_options(const RunCommand& command) {
    ClusterOptions options;
    if (command.quantum) {
        options.runtime.preemption = PreemptionMode::InstructionCount;
        options.runtime.quantum = *command.quantum;
    }
    options.runtime.time_slice_us = command.time_slice_us;
    options.runtime.memory_limit = command.memory_limit;
    // Plain mode streams output as it is printed; only the JSON report needs
    // each process to keep its own.
    options.kernel.keep_output = command.json;
    // A shard without a VM would only cost a Lua state and an idle thread.
    options.threads = static_cast<unsigned>(std::min<std::uint64_t>(command.threads, command.vms));
    options.shard_vms = command.shard_vms;
    return options;
}

RunOptions run_options(const RunCommand& command) {
    RunOptions options;
    options.max_ticks = command.max_ticks;
    options.ticks_per_second = command.ticks_per_second;
    // --top's table says all the progress line would, on the same stream.
    if (command.ticks_per_second > 0 && !command.top) options.progress = &std::cerr;
    return options;
}

// What --trace, --timeline and --top add to a run: observers beside the
// mode's own. Their files are opened before anything runs, so that a path
// that cannot be written is bad usage rather than a run's work lost.
class Observability {
public:
    // False, with a message on `err`, when a file cannot be opened.
    bool open(const RunCommand& command, std::ostream& err) {
        if (command.trace && !open_file(trace_file_, "--trace", *command.trace, err)) return false;
        if (command.timeline && !open_file(timeline_file_, "--timeline", *command.timeline, err)) return false;
        if (command.trace) trace_ = std::make_unique<TraceWriter>(trace_file_);
        if (command.timeline) timeline_ = std::make_unique<TimelineSvg>(timeline_file_);
        if (command.top) top_ = std::make_unique<TopView>(std::cerr);
        return true;
    }

    void add_to(FanOut& fan_out) {
        if (trace_) fan_out.add(trace_.get());
        if (timeline_) fan_out.add(timeline_.get());
        if (top_) fan_out.add(top_.get());
    }

    void after_tick(std::uint64_t tick) {
        if (trace_) trace_->after_tick(tick);
        if (timeline_) timeline_->after_tick(tick);
        if (top_) top_->after_tick(tick);
    }

    // Completes every output; false, with a message, when a file could not
    // be written whole (e.g. a full disk).
    bool finish(const RunCommand& command, std::ostream& err) {
        bool ok = true;
        if (trace_ && !(trace_->finish() && close_file(trace_file_))) {
            err << "luaos: cannot write --trace file " << *command.trace << '\n';
            ok = false;
        }
        if (timeline_ && !(timeline_->finish() && close_file(timeline_file_))) {
            err << "luaos: cannot write --timeline file " << *command.timeline << '\n';
            ok = false;
        }
        if (top_) top_->finish();
        return ok;
    }

private:
    static bool open_file(std::ofstream& file, const char* option, const std::string& path, std::ostream& err) {
        errno = 0;
        file.open(path, std::ios::binary | std::ios::trunc);
        if (file.is_open()) return true;
        err << "luaos: " << option << ": cannot open " << path << " for writing"
            << (errno != 0 ? std::string(": ") + std::strerror(errno) : std::string()) << '\n';
        return false;
    }

    static bool close_file(std::ofstream& file) {
        file.close();
        return !file.fail();
    }

    std::ofstream trace_file_;
    std::ofstream timeline_file_;
    std::unique_ptr<TraceWriter> trace_;
    std::unique_ptr<TimelineSvg> timeline_;
    std::unique_ptr<TopView> top_;
};

using Programs = std::vector<std::shared_ptr<const Program>>;

// A .luau file is Luau whatever --dialect says; --dialect decides for the rest.
Dialect dialect_of(const RunCommand& command, const Script& script) {
    constexpr std::string_view kLuauExtension = ".luau";
    std::string_view path = script.path;
    bool luau_file = path.size() >= kLuauExtension.size() && path.substr(path.size() - kLuauExtension.size()) == kLuauExtension;
    return luau_file ? Dialect::Luau : command.dialect;
}

// Creates `command.vms` VMs, each with every --program installed (shared, not
// copied), spawning every script in order (PIDs 1, 2, ...). A script that does
// not compile still becomes a process: it fails at the first tick and is
// reported like any other.
template <typename OnVm>
void spawn_vms(Cluster& cluster, const RunCommand& command, const std::vector<Script>& scripts,
               const Programs& programs, OnVm on_vm) {
    for (std::uint64_t i = 0; i < command.vms; ++i) {
        VirtualMachine& vm = cluster.create_vm();
        on_vm(vm);
        for (const auto& program : programs) vm.os().install_program(program);
        for (const Script& script : scripts) {
            vm.os().spawn_process(script.code, script.path, dialect_of(command, script));
        }
    }
}

int run_with_json_report(const RunCommand& command, const std::vector<Script>& scripts, const Programs& programs,
                         Observability& extras) {
    const auto setup_start = Clock::now();
    // Declared before the cluster, so that they outlive it.
    ProcessRecords records;
    FanOut fan_out;
    Cluster cluster(cluster_options(command));
    fan_out.add(&records);
    extras.add_to(fan_out);
    // Before spawning: the observers hear every spawn.
    cluster.set_observer(&fan_out);
    spawn_vms(cluster, command, scripts, programs,
              [&](const VirtualMachine& vm) { records.add_vm(vm, scripts.size()); });
    ReportTimes times;
    times.setup_ms = ms_since(setup_start);

    RunOptions options = run_options(command);
    options.after_tick = [&records, &extras, &cluster] {
        records.after_tick(cluster.last_tick());
        extras.after_tick(cluster.ticks());
    };
    times.run = cluster.run(options);
    records.finish(cluster);
    times.tick_stats = records.tick_summary();
    const bool written = extras.finish(command, std::cerr);
    int status = exit_status(records.any_ended_badly() || !written, times.run.hit_tick_limit);
    write_json_report(std::cout, times, records.take());
    return status;
}

int run_with_plain_output(const RunCommand& command, const std::vector<Script>& scripts, const Programs& programs,
                          Observability& extras) {
    OrderedOutput output(std::cout, std::cerr, command.vms > 1);
    FanOut fan_out;
    Cluster cluster(cluster_options(command));
    fan_out.add(&output);
    extras.add_to(fan_out);
    cluster.set_observer(&fan_out);
    spawn_vms(cluster, command, scripts, programs, [](const VirtualMachine&) {});

    RunOptions options = run_options(command);
    options.after_tick = [&output, &extras, &cluster] {
        output.flush();
        extras.after_tick(cluster.ticks());
    };
    RunStats stats = cluster.run(options);
    const bool written = extras.finish(command, std::cerr);
    if (stats.hit_tick_limit) {
        std::cerr << "luaos: stopped at the tick limit (" << stats.ticks << ") with "
                  << cluster.process_count() << " process(es) still running\n";
    }
    return exit_status(output.any_ended_badly() || !written, stats.hit_tick_limit);
}

}  // namespace

int run_command(const RunCommand& command, const std::vector<Script>& scripts, const Programs& programs) {
    Observability extras;
    if (!extras.open(command, std::cerr)) return kExitUsage;
    return command.json ? run_with_json_report(command, scripts, programs, extras)
                        : run_with_plain_output(command, scripts, programs, extras);
}

}  // namespace luaos::cli
