#include "cli/run.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>
#include <string_view>

#include "cli/exit_status.hpp"
#include "cli/fan_out.hpp"
#include "cli/interrupt.hpp"
#include "cli/ordered_output.hpp"
#include "cli/process_records.hpp"
#include "cli/report.hpp"
#include "cli/stdin_link.hpp"
#include "cli/timeline_svg.hpp"
#include "cli/top_view.hpp"
#include "cli/trace_writer.hpp"
#include "store/path.hpp"
#include "luaos/cluster.hpp"
#include "luaos/os.hpp"

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
    options.kernel.file_limits = command.file_limits;
    // Plain mode streams output as it is printed; only the JSON report needs
    // each process to keep its own.
    options.kernel.keep_output = command.json;
    // A shard without a VM would only cost a Lua state and an idle thread
    // (a store being reopened holds as many VMs as it holds).
    const bool reopening = command.store && command.files.empty();
    options.threads =
        reopening ? command.threads : static_cast<unsigned>(std::min<std::uint64_t>(command.threads, command.vms));
    options.shard_vms = command.shard_vms;
    if (command.store) options.store = open_sqlite_store(*command.store);
    options.network.limits = command.net_limits;
    return options;
}

// What steers a run from outside besides its command line: the signals that
// stop it and, with --stdin, the input it reads.
struct RunControl {
    const InterruptSignals& signals;
    StdinLink* stdin_link = nullptr;  // only with --stdin
};

RunOptions run_options(const RunCommand& command, const RunControl& control) {
    RunOptions options;
    options.stop = &control.signals.stop_flag();
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
        if (command.top) {
            // The table redraws itself only where nothing else appears: not
            // amid the scripts' output, nor amid what is typed for --stdin.
            const bool shared = (!command.json && same_terminal(STDOUT_FILENO, STDERR_FILENO)) ||
                                (command.connect_stdin && same_terminal(STDIN_FILENO, STDERR_FILENO));
            top_ = std::make_unique<TopView>(std::cerr, 10, std::chrono::milliseconds(1000),
                                             top_display_for(STDERR_FILENO, shared));
        }
        return true;
    }

    // Something else was printed on stderr: --top's next table goes below it.
    void note_other_output() {
        if (top_) top_->note_other_output();
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
        if (!ok) note_other_output();
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

// Where a script is kept in a stored VM: /boot/ and its file name, made a
// valid name (docs/storage.md), with .luau added when --dialect makes it Luau.
std::string boot_path(const RunCommand& command, const Script& script) {
    const std::string_view suffix =
        dialect_of(command, script) == Dialect::Luau && !script.path.ends_with(".luau") ? ".luau" : "";
    std::string name = std::filesystem::path(script.path).filename().string();
    for (char& c : name) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E || c == '\\') c = '_';
    }
    if (name.empty() || name == "." || name == "..") name = "script";
    name.resize(std::min(name.size(), kMaxNameBytes - suffix.size()));
    return "/boot/" + name + std::string(suffix);
}

// VM i (from 0) gets the address 10.0.0.1 + i, counting on through
// 10.0.0.0/8; past 10.255.255.254 VMs get none.
void give_address(Cluster& cluster, VirtualMachine& vm, std::uint64_t i) {
    constexpr NetAddress kFirstAddress = 0x0A000001;  // 10.0.0.1
    constexpr std::uint64_t kAddresses = 0x00FFFFFE;  // to 10.255.255.254
    if (i < kAddresses) cluster.network().set_addresses(vm, {kFirstAddress + static_cast<NetAddress>(i)});
}

// A process's stdin is at end of file, but for the one --stdin connects (the
// first process of the first VM).
void give_stdin(const RunControl& control, VirtualMachine& vm, Pid pid, bool first) {
    if (control.stdin_link != nullptr && first) {
        control.stdin_link->connect(vm.os(), pid, vm.serial());
    } else {
        vm.os().close_stdin(pid);
    }
}

// The boot list of new stored VMs: every script under /boot/, with the
// arguments after `--`.
std::vector<BootEntry> boot_list_of(const RunCommand& command, const std::vector<Script>& scripts) {
    std::vector<BootEntry> boot;
    for (const Script& script : scripts) {
        std::string path = boot_path(command, script);
        for (int copy = 2; std::any_of(boot.begin(), boot.end(), [&](const BootEntry& e) { return e.path == path; });
             ++copy) {
            path = boot_path(command, script) + "." + std::to_string(copy);
        }
        boot.push_back({std::move(path), command.args});
    }
    return boot;
}

// With --store: `command.vms` new stored VMs, each holding every script as a
// file of its own and booting them in order; without scripts, every VM of
// the store, booted again (docs/storage.md). Addresses and stdin as for
// spawn_vms, in the order the VMs are booted.
template <typename OnVm>
void open_stored_vms(Cluster& cluster, const RunCommand& command, const std::vector<Script>& scripts,
                     const Programs& programs, const RunControl& control, OnVm on_vm) {
    std::vector<VirtualMachine*> vms;
    if (scripts.empty()) {
        for (const StoredVmId id : cluster.store()->vms()) vms.push_back(&cluster.open_stored_vm(id));
        if (vms.empty()) throw StoreError("store " + *command.store + " holds no VMs: give FILEs to create some");
    } else {
        const std::vector<BootEntry> boot = boot_list_of(command, scripts);
        for (std::uint64_t i = 0; i < command.vms; ++i) {
            VirtualMachine& vm = cluster.create_stored_vm(boot);
            for (std::size_t s = 0; s < scripts.size(); ++s) {
                const std::string why = vm.os().write_file(boot[s].path, scripts[s].code);
                if (!why.empty()) throw StoreError("cannot keep " + scripts[s].path + " in the store: " + why);
            }
            vms.push_back(&vm);
        }
    }
    for (std::size_t i = 0; i < vms.size(); ++i) {
        VirtualMachine& vm = *vms[i];
        give_address(cluster, vm, i);
        on_vm(vm);
        for (const auto& program : programs) vm.os().install_program(program);
        bool first = i == 0;
        for (const SpawnResult& spawned : vm.os().boot()) {
            if (spawned.pid == 0) continue;
            give_stdin(control, vm, spawned.pid, first);
            first = false;
        }
    }
}

// Creates `command.vms` VMs, each with every --program installed (shared, not
// copied), spawning every script in order (PIDs 1, 2, ...) with the arguments
// after `--`. A script that does not compile still becomes a process: it fails
// at the first tick and is reported like any other. Each process's stdin is
// at end of file, but for the one --stdin connects (PID 1 of the first VM).
template <typename OnVm>
void spawn_vms(Cluster& cluster, const RunCommand& command, const std::vector<Script>& scripts,
               const Programs& programs, const RunControl& control, OnVm on_vm) {
    if (cluster.store()) return open_stored_vms(cluster, command, scripts, programs, control, on_vm);
    SpawnOptions options;
    options.args = command.args;
    options.set_arg = true;
    for (std::uint64_t i = 0; i < command.vms; ++i) {
        VirtualMachine& vm = cluster.create_vm();
        give_address(cluster, vm, i);
        on_vm(vm);
        for (const auto& program : programs) vm.os().install_program(program);
        for (std::size_t s = 0; s < scripts.size(); ++s) {
            options.dialect = dialect_of(command, scripts[s]);
            const Pid pid = vm.os().spawn_process(scripts[s].code, scripts[s].path, options).pid;
            give_stdin(control, vm, pid, i == 0 && s == 0);
        }
    }
}

void add_stdin_link(FanOut& fan_out, const RunControl& control) {
    if (control.stdin_link != nullptr) fan_out.add(control.stdin_link);
}

// After the tick's output is out: a prompt shows before the wait for its answer.
void feed_stdin(const RunControl& control, Cluster& cluster) {
    if (control.stdin_link != nullptr) control.stdin_link->after_tick(cluster);
}

// `running` is set once the VMs are made and the game loop starts: a store
// that fails before is bad usage, after it a failed run (run_command).
int run_with_json_report(const RunCommand& command, const std::vector<Script>& scripts, const Programs& programs,
                         Observability& extras, const RunControl& control, bool& running) {
    const auto setup_start = Clock::now();
    // Declared before the cluster, so that they outlive it.
    ProcessRecords records;
    FanOut fan_out;
    Cluster cluster(cluster_options(command));
    fan_out.add(&records);
    extras.add_to(fan_out);
    add_stdin_link(fan_out, control);
    // Before spawning: the observers hear every spawn.
    cluster.set_observer(&fan_out);
    spawn_vms(cluster, command, scripts, programs, control,
              [&](const VirtualMachine& vm) { records.add_vm(vm, scripts.size()); });
    ReportTimes times;
    times.setup_ms = ms_since(setup_start);

    RunOptions options = run_options(command, control);
    options.after_tick = [&records, &extras, &cluster, &control] {
        records.after_tick(cluster.last_tick());
        extras.after_tick(cluster.ticks());
        feed_stdin(control, cluster);
    };
    running = true;
    times.run = cluster.run(options);
    records.finish(cluster);
    times.tick_stats = records.tick_summary();
    const int signal = control.signals.received();
    if (signal != 0) {
        times.interrupted = InterruptSignals::name(signal);
        extras.note_other_output();  // the signal's own line on stderr
    }
    const bool written = extras.finish(command, std::cerr);
    int status = exit_status(records.any_ended_badly() || !written, times.run.hit_tick_limit, signal);
    write_json_report(std::cout, times, records.take());
    return status;
}

int run_with_plain_output(const RunCommand& command, const std::vector<Script>& scripts, const Programs& programs,
                          Observability& extras, const RunControl& control, bool& running) {
    OrderedOutput output(std::cout, std::cerr, command.vms > 1 || command.store.has_value());
    FanOut fan_out;
    Cluster cluster(cluster_options(command));
    fan_out.add(&output);
    extras.add_to(fan_out);
    add_stdin_link(fan_out, control);
    cluster.set_observer(&fan_out);
    spawn_vms(cluster, command, scripts, programs, control, [](const VirtualMachine&) {});

    RunOptions options = run_options(command, control);
    options.after_tick = [&output, &extras, &cluster, &control] {
        if (output.flush()) extras.note_other_output();
        extras.after_tick(cluster.ticks());
        feed_stdin(control, cluster);
    };
    running = true;
    RunStats stats = cluster.run(options);
    const int signal = control.signals.received();
    if (signal != 0) extras.note_other_output();  // the signal's own line on stderr
    const bool written = extras.finish(command, std::cerr);
    if (stats.hit_tick_limit) {
        std::cerr << "luaos: stopped at the tick limit (" << stats.ticks << ") with "
                  << cluster.process_count() << " process(es) still running\n";
    } else if (signal != 0) {
        std::cerr << "luaos: interrupted by " << InterruptSignals::name(signal) << " at tick " << stats.ticks
                  << " with " << cluster.process_count() << " process(es) still running\n";
    }
    return exit_status(output.any_ended_badly() || !written, stats.hit_tick_limit, signal);
}

}  // namespace

int run_command(const RunCommand& command, const std::vector<Script>& scripts, const Programs& programs) {
    // Handled before the output files are made, so that a signal never
    // leaves one half written.
    InterruptSignals signals;
    std::optional<StdinLink> stdin_link;
    if (command.connect_stdin) stdin_link.emplace(STDIN_FILENO, signals.wake_fd(), std::cerr);
    const RunControl control{signals, stdin_link ? &*stdin_link : nullptr};
    Observability extras;
    if (!extras.open(command, std::cerr)) return kExitUsage;
    bool running = false;
    try {
        return command.json ? run_with_json_report(command, scripts, programs, extras, control, running)
                            : run_with_plain_output(command, scripts, programs, extras, control, running);
    } catch (const StoreError& error) {
        // What was committed before stays in the store (docs/storage.md).
        std::cerr << "luaos: " << error.what() << '\n';
        return running ? kExitFailure : kExitUsage;
    }
}

}  // namespace luaos::cli
