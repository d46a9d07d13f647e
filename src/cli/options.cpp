#include "cli/options.hpp"

// GCC 12 reports a null dereference inside CLI11's own string splitting (a
// false positive of its inliner); silence it for CLI11's code only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <ostream>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "cli/exit_status.hpp"
#include "cli/net_limit_option.hpp"
#include "cli/size.hpp"
#include "cli/timeline_svg.hpp"
#include "cli/trace_writer.hpp"
#include "cli/version.hpp"
#include "service/node_names.hpp"

namespace luaos::cli {
namespace {

constexpr unsigned kMaxThreads = 256;
constexpr std::uint64_t kNoUpperBound = std::numeric_limits<std::uint64_t>::max();

class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Values are taken as text and converted here rather than by CLI11, whose own
// conversion reads "-1" as 2^64-1 and "010" as octal, and whose messages would
// differ from option to option. An absent option is nullopt, unlike one given
// as "".
struct RawRunOptions {
    std::optional<std::string> vms;
    std::optional<std::string> ticks;
    std::optional<std::string> quantum;
    std::optional<std::string> slice_us;
    std::optional<std::string> shard_vms;
    std::optional<std::string> tps;
    std::optional<std::string> threads;
    std::optional<std::string> memory_limit;
    std::optional<std::string> fs_quota;
    std::optional<std::string> fs_files;
    std::optional<std::string> dialect;
    std::optional<std::string> trace;
    std::optional<std::string> timeline;
    std::vector<std::string> programs;
    std::optional<std::string> store;
    std::vector<std::string> net_limits;
    bool json = false;
    bool top = false;
    bool connect_stdin = false;
    std::vector<std::string> files;
};

std::string range_text(std::uint64_t min, std::uint64_t max) {
    if (max == kNoUpperBound) return "an integer >= " + std::to_string(min);
    return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::uint64_t parse_integer(const char* option, const std::string& text, std::uint64_t min, std::uint64_t max) {
    std::uint64_t value = 0;
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(text.data(), last, value);
    if (error != std::errc{} || end != last || value < min || value > max) {
        throw UsageError(std::string(option) + " expects " + range_text(min, max) + ", got '" + text + "'");
    }
    return value;
}

double parse_positive_number(const char* option, const std::string& text) {
    double value = 0;
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(text.data(), last, value);
    if (error != std::errc{} || end != last || !std::isfinite(value) || value <= 0) {
        throw UsageError(std::string(option) + " expects a positive number, got '" + text + "'");
    }
    return value;
}

unsigned default_threads() {
    return std::clamp(std::thread::hardware_concurrency(), 1u, kMaxThreads);
}

std::size_t parse_memory_limit(const std::string& text) {
    std::optional<std::uint64_t> bytes = parse_size(text);
    if (!bytes || *bytes == 0 || *bytes > std::numeric_limits<std::size_t>::max()) {
        throw UsageError("--memory-limit expects a size of at least 1 byte, in bytes or with a K, M or G suffix, got '" +
                         text + "'");
    }
    return static_cast<std::size_t>(*bytes);
}

std::uint64_t parse_fs_quota(const std::string& text) {
    std::optional<std::uint64_t> bytes = parse_size(text);
    if (!bytes) throw UsageError("--fs-quota expects a size in bytes or with a K, M or G suffix, got '" + text + "'");
    return *bytes;
}

// An output file is opened only once the whole command line is valid (by
// run_command); here it need only be named.
std::string parse_output_path(const char* option, const std::string& text) {
    if (text.empty()) throw UsageError(std::string(option) + " expects a file name, got ''");
    return text;
}

// NAME=FILE, split at the first '='; a NAME given twice is a mistake.
std::vector<std::pair<std::string, std::string>> parse_programs(const std::vector<std::string>& programs) {
    std::vector<std::pair<std::string, std::string>> parsed;
    for (const std::string& program : programs) {
        std::size_t equals = program.find('=');
        if (equals == 0 || equals == std::string::npos || equals + 1 == program.size()) {
            throw UsageError("--program expects NAME=FILE, got '" + program + "'");
        }
        std::string name = program.substr(0, equals);
        for (const auto& [seen, file] : parsed) {
            if (seen == name) throw UsageError("--program " + name + " is given twice");
        }
        parsed.emplace_back(std::move(name), program.substr(equals + 1));
    }
    return parsed;
}

// Options of later work are declared so that their values are not mistaken
// for FILEs, then refused here.
void reject_pending_options(const std::vector<const CLI::Option*>& pending) {
    for (const CLI::Option* option : pending) {
        if (option->count() > 0) throw UsageError(option->get_name() + " is not supported yet");
    }
}

// --quantum or --slice-us (run and serve alike): one preemption mode.
void parse_preemption(const std::optional<std::string>& raw_quantum, const std::optional<std::string>& raw_slice_us,
                      std::optional<std::uint32_t>& quantum, std::uint32_t& time_slice_us) {
    if (raw_quantum) {
        // The instruction-count hook takes an int.
        constexpr std::uint64_t max_quantum = std::numeric_limits<std::int32_t>::max();
        quantum = static_cast<std::uint32_t>(parse_integer("--quantum", *raw_quantum, 1, max_quantum));
    }
    if (raw_slice_us) {
        if (raw_quantum) throw UsageError("--quantum and --slice-us choose different preemption modes: give one");
        constexpr std::uint64_t max_slice_us = 60'000'000;
        time_slice_us =
            static_cast<std::uint32_t>(parse_integer("--slice-us", *raw_slice_us, kMinTimeSliceUs, max_slice_us));
    }
}

// --threads and --shard-vms (run and serve alike).
void parse_workers(const std::optional<std::string>& raw_threads, const std::optional<std::string>& raw_shard_vms,
                   unsigned& threads, std::size_t& shard_vms) {
    threads = raw_threads ? static_cast<unsigned>(parse_integer("--threads", *raw_threads, 1, kMaxThreads))
                          : default_threads();
    if (raw_shard_vms) shard_vms = parse_integer("--shard-vms", *raw_shard_vms, 1, kNoUpperBound);
}

RunCommand validate(const RawRunOptions& raw) {
    RunCommand command;
    if (raw.vms) command.vms = parse_integer("--vms", *raw.vms, 1, kNoUpperBound);
    if (raw.ticks) command.max_ticks = parse_integer("--ticks", *raw.ticks, 1, kNoUpperBound);
    parse_preemption(raw.quantum, raw.slice_us, command.quantum, command.time_slice_us);
    if (raw.memory_limit) command.memory_limit = parse_memory_limit(*raw.memory_limit);
    if (raw.fs_quota) command.file_limits.total_bytes = parse_fs_quota(*raw.fs_quota);
    if (raw.fs_files) {
        command.file_limits.max_nodes =
            static_cast<std::uint32_t>(parse_integer("--fs-files", *raw.fs_files, 0, std::numeric_limits<std::uint32_t>::max()));
    }
    if (raw.tps) command.ticks_per_second = parse_positive_number("--tps", *raw.tps);
    parse_workers(raw.threads, raw.shard_vms, command.threads, command.shard_vms);
    for (const std::string& assignment : raw.net_limits) {
        if (std::optional<std::string> error = set_net_limit(command.net_limits, assignment)) throw UsageError(*error);
    }
    if (raw.dialect) {
        if (*raw.dialect != "luau" && *raw.dialect != "lua") {
            throw UsageError("--dialect expects luau or lua, got '" + *raw.dialect + "'");
        }
        command.dialect = *raw.dialect == "luau" ? Dialect::Luau : Dialect::Lua;
    }
    command.json = raw.json;
    if (raw.trace) command.trace = parse_output_path("--trace", *raw.trace);
    if (raw.timeline) command.timeline = parse_output_path("--timeline", *raw.timeline);
    if (command.trace && command.trace == command.timeline) {
        throw UsageError("--trace and --timeline cannot both write " + *command.trace);
    }
    command.top = raw.top;
    command.programs = parse_programs(raw.programs);
    if (raw.store) command.store = parse_output_path("--store", *raw.store);
    if (raw.files.empty() && !command.store) {
        throw UsageError("FILE is required (or --store FILE alone, to boot the VMs stored there again)");
    }
    command.files = raw.files;
    command.connect_stdin = raw.connect_stdin;
    return command;
}

std::string version_text() { return std::string("luaos ") + kVersion; }

struct RawServeOptions {
    std::optional<std::string> nats;
    std::optional<std::string> node;
    std::optional<std::string> tps;
    std::optional<std::string> quantum;
    std::optional<std::string> slice_us;
    std::optional<std::string> threads;
    std::optional<std::string> shard_vms;
    std::optional<std::string> memory_limit;
    std::optional<std::string> max_vms;
    std::optional<std::string> max_request_bytes;
    std::optional<std::string> max_queued;
    std::optional<std::string> event_output;
    std::optional<std::string> net_datagram_queue;
    std::optional<std::string> call_timeout;
    std::optional<std::string> heartbeat_ms;
    std::optional<std::string> store;
};

bool is_node_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_node_name(const std::string& name) {
    constexpr std::size_t kMaxNodeName = 64;
    return !name.empty() && name.size() <= kMaxNodeName && std::all_of(name.begin(), name.end(), is_node_name_char);
}

// The host's name, with what a subject token may not hold made '-', and
// "node-" before a reserved one.
std::string default_node_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "node";
    std::string name(host);
    name.resize(std::min<std::size_t>(name.size(), 64));
    std::replace_if(name.begin(), name.end(), [](char c) { return !is_node_name_char(c); }, '-');
    return service::is_reserved_node_name(name) ? "node-" + name : name;
}

std::size_t parse_positive_size(const char* option, const std::string& text) {
    std::optional<std::uint64_t> bytes = parse_size(text);
    if (!bytes || *bytes == 0 || *bytes > std::numeric_limits<std::uint32_t>::max()) {
        throw UsageError(std::string(option) + " expects a size from 1 byte to 4G, in bytes or with a K, M or G suffix, got '" +
                         text + "'");
    }
    return static_cast<std::size_t>(*bytes);
}

ServeCommand validate_serve(const RawServeOptions& raw) {
    ServeCommand command;
    if (!raw.nats || raw.nats->empty()) throw UsageError("serve needs --nats URL (e.g. nats://127.0.0.1:4222)");
    command.nats_url = *raw.nats;
    command.node = raw.node ? *raw.node : default_node_name();
    if (!is_node_name(command.node)) {
        throw UsageError("--node expects 1 to 64 of A-Z a-z 0-9 _ -, got '" + command.node + "'");
    }
    if (service::is_reserved_node_name(command.node)) {
        throw UsageError("--node expects a name other than " + service::reserved_node_names_text() +
                         " (shared subjects use them)");
    }
    if (raw.tps) command.ticks_per_second = parse_positive_number("--tps", *raw.tps);
    parse_preemption(raw.quantum, raw.slice_us, command.quantum, command.time_slice_us);
    if (raw.memory_limit) command.memory_limit = parse_memory_limit(*raw.memory_limit);
    parse_workers(raw.threads, raw.shard_vms, command.threads, command.shard_vms);
    if (raw.max_vms) command.max_vms = parse_integer("--max-vms", *raw.max_vms, 1, kNoUpperBound);
    if (raw.max_request_bytes) {
        command.max_request_bytes = parse_positive_size("--max-request-bytes", *raw.max_request_bytes);
    }
    if (raw.max_queued) command.max_queued = parse_integer("--max-queued", *raw.max_queued, 1, 1'000'000);
    if (raw.event_output) command.event_output = parse_positive_size("--event-output", *raw.event_output);
    if (raw.net_datagram_queue) {
        command.net_datagram_queue = parse_positive_size("--net-datagram-queue", *raw.net_datagram_queue);
    }
    if (raw.call_timeout) command.call_timeout_ms = parse_integer("--call-timeout", *raw.call_timeout, 1, 3'600'000);
    if (raw.heartbeat_ms) command.heartbeat_ms = parse_integer("--heartbeat-ms", *raw.heartbeat_ms, 10, 3'600'000);
    if (raw.store) command.store = parse_output_path("--store", *raw.store);
    return command;
}

constexpr const char* kServeFooter =
    "Requests and events travel on the subjects luaos.NODE.> (docs/serve.md); creates any node may take on\n"
    "luaos.any.vm.create, a VM's requests wherever it runs on luaos.vm.UUID.>, heartbeats on luaos.NODE.events.\n"
    "Exit status: 0 stopped by SIGINT (Ctrl-C) or SIGTERM after draining: requests already received are\n"
    "answered, every VM's processes are killed and their exits published; a second signal ends luaos at once.\n"
    "1 NATS could not be reached (or the node failed); 2 bad usage.";

void declare_serve_options(CLI::App& serve, RawServeOptions& raw) {
    serve.add_option("--nats", raw.nats, "The NATS server(s) to take orders from, e.g. nats://127.0.0.1:4222 (required)")
        ->type_name("URL");
    serve.add_option("--node", raw.node,
                     "This node's name in the subjects luaos.NODE.>: 1 to 64 of A-Z a-z 0-9 _ - (default: the host "
                     "name, other characters made -)")
        ->type_name("NAME");
    serve.add_option("--tps", raw.tps, "Ticks per second of the paced game loop (default 60)")->type_name("N");
    serve.add_option("--quantum", raw.quantum,
                     "VM instructions per slice: the deterministic instruction-count preemption")
        ->type_name("N");
    serve.add_option("--slice-us", raw.slice_us,
                     "Microseconds per slice in the default deadline mode (" + std::to_string(kMinTimeSliceUs) +
                         " or more; default " + std::to_string(kDefaultTimeSliceUs) + ")")
        ->type_name("N");
    serve.add_option("--memory-limit", raw.memory_limit,
                     "Per-VM memory cap: bytes, or with K, M, G (default " + std::to_string(kDefaultMemoryLimit >> 20) +
                         "M)")
        ->type_name("SIZE");
    serve.add_option("--threads", raw.threads,
                     "Worker threads ticking VMs, 1 to " + std::to_string(kMaxThreads) + " (default: the number of cores)")
        ->type_name("N");
    serve.add_option("--shard-vms", raw.shard_vms,
                     "VMs one Lua state holds at most (default " + std::to_string(kDefaultShardVms) + ")")
        ->type_name("N");
    serve.add_option("--max-vms", raw.max_vms, "VMs this node holds at most; a create past it is refused (default 10000)")
        ->type_name("N");
    serve.add_option("--max-request-bytes", raw.max_request_bytes,
                     "The largest request body; a larger one is refused (default 1M)")
        ->type_name("SIZE");
    serve.add_option("--max-queued", raw.max_queued,
                     "Requests waiting for the next tick at most; past it one is refused as busy (default 1024)")
        ->type_name("N");
    serve.add_option("--event-output", raw.event_output,
                     "Bytes of output one VM's events carry per tick; the rest is counted as dropped (default 256K)")
        ->type_name("SIZE");
    serve.add_option("--net-datagram-queue", raw.net_datagram_queue,
                     "Bytes of datagrams from VMs on other nodes waiting for the next tick; past it one is dropped "
                     "(default 8M)")
        ->type_name("SIZE");
    serve.add_option("--call-timeout", raw.call_timeout,
                     "Milliseconds a host function served over NATS waits for the game's reply before it fails "
                     "(default 5000)")
        ->type_name("MS");
    serve.add_option("--heartbeat-ms", raw.heartbeat_ms,
                     "Milliseconds between this node's heartbeats; a node silent for 3 of its beats is reported "
                     "lost by the others (default 1000)")
        ->type_name("N");
    serve.add_option("--store", raw.store,
                     "Keep the node's VMs (their programs, boot lists and files) in the SQLite database FILE, created "
                     "if missing; a node started on it boots them again")
        ->type_name("FILE");
    serve.set_version_flag("--version", version_text(), "Print the version and exit");
    serve.footer(kServeFooter);
}

constexpr const char* kRunFooter =
    "-- ARG...: the arguments after -- go to every FILE's process as ... and arg (arg[0] = FILE).\n"
    "Exit status: 0 all processes finished; 1 a process failed or was killed;\n"
    "2 bad usage (nothing ran); 3 the tick limit stopped processes still running;\n"
    "130 or 143 interrupted by SIGINT (Ctrl-C) or SIGTERM: the tick under way ends and the report,\n"
    "trace and timeline are written as at the tick limit; a second signal ends luaos at once.";

// run's usage line names the arguments after `--`, which CLI11 never sees
// (split_script_arguments).
class RunFormatter : public CLI::Formatter {
public:
    // FILE is optional only with --store (to boot the stored VMs again), which
    // the second line tells.
    std::string make_usage(const CLI::App* app, std::string name) const override {
        std::string usage = CLI::Formatter::make_usage(app, name);
        if (const std::size_t files = usage.find(" [FILE...]"); files != std::string::npos) {
            usage.replace(files, 10, " FILE...");
        }
        const std::size_t end = usage.find_last_not_of('\n') + 1;
        const std::string indent(std::string("Usage: ").size(), ' ');
        return usage.insert(end, " [-- ARG...]\n" + indent + name + " [OPTIONS] --store FILE [FILE...] [-- ARG...]");
    }
};

// Declares every option of `luaos run`; returns the ones still to come.
std::vector<const CLI::Option*> declare_run_options(CLI::App& run, RawRunOptions& raw) {
    run.add_option("--vms", raw.vms, "Run N identical VMs, each spawning every FILE (default 1)")->type_name("N");
    run.add_option("--ticks", raw.ticks, "Safety limit on ticks (default 1000)")->type_name("N");
    run.add_option("--quantum", raw.quantum,
                   "VM instructions a process may run per slice before it is preempted; selects the deterministic "
                   "instruction-count preemption (about half as fast as the default deadline mode)")
        ->type_name("N");
    run.add_option("--slice-us", raw.slice_us,
                   "Microseconds a process may run per slice before it is preempted, in the default deadline mode (" +
                       std::to_string(kMinTimeSliceUs) + " or more; default " + std::to_string(kDefaultTimeSliceUs) +
                       ")")
        ->type_name("N");
    run.add_option("--memory-limit", raw.memory_limit,
                   "Per-VM memory cap: bytes, or with K, M, G (powers of 1024; default " +
                       std::to_string(kDefaultMemoryLimit >> 20) + "M)")
        ->type_name("SIZE");
    run.add_option("--fs-quota", raw.fs_quota,
                   "Bytes of files one VM may store: bytes, or with K, M, G (default " +
                       std::to_string(FileLimits{}.total_bytes >> 10) + "K)")
        ->type_name("SIZE");
    run.add_option("--fs-files", raw.fs_files,
                   "Files and directories one VM may hold (default " + std::to_string(FileLimits{}.max_nodes) + ")")
        ->type_name("N");
    run.add_option("--dialect", raw.dialect,
                   "Script dialect for files not ending .luau, which are always Luau (default lua)")
        ->type_name("luau|lua");
    run.add_flag("--json", raw.json, "Print one JSON report on stdout instead of the processes' output");
    run.add_option("--trace", raw.trace,
                   "Write the schedule as Chrome trace-event JSON, for Perfetto or chrome://tracing (at most " +
                       std::to_string(TraceWriter::kDefaultMaxEvents) + " events: later slices are dropped)")
        ->type_name("FILE");
    run.add_option("--tps", raw.tps, "Pace the game loop at N ticks per second (default: unpaced)")->type_name("N");
    run.add_option("--threads", raw.threads,
                   "Worker threads ticking VMs, 1 to " + std::to_string(kMaxThreads) + " (default: the number of cores)")
        ->type_name("N");
    run.add_option("--shard-vms", raw.shard_vms,
                   "VMs one Lua state holds at most; a worker opens more as VMs fill them (default " +
                       std::to_string(kDefaultShardVms) + ")")
        ->type_name("N");
    run.add_option("--program", raw.programs,
                   "Install FILE on every VM as the program NAME, for os.spawn (repeatable)")
        ->type_name("NAME=FILE")
        ->allow_extra_args(false);  // one NAME=FILE per --program: the FILEs follow
    run.add_option("--net-limit", raw.net_limits,
                   "Set one of the network's limits (repeatable; defaults in docs/security.md): " + net_limit_names() +
                       "; the *_bytes limits take a SIZE")
        ->type_name("NAME=VALUE")
        ->allow_extra_args(false);  // one NAME=VALUE per --net-limit: the FILEs follow
    run.add_option("--timeline", raw.timeline,
                   "Draw who ran when as an SVG picture (at most " + std::to_string(TimelineSvg::kDefaultMaxColumns) +
                       " columns of ticks and the " + std::to_string(TimelineSvg::kDefaultMaxRows) +
                       " busiest processes)")
        ->type_name("FILE.svg");
    run.add_flag("--top", raw.top, "Print a refreshing table of the busiest processes on stderr while running");
    run.add_flag("--stdin", raw.connect_stdin,
                 "Connect this terminal's stdin to PID 1 of the first VM, line by line (without it every FILE's "
                 "process has its stdin at end of file)");
    run.add_option("--store", raw.store,
                   "Keep the VMs and their files in this SQLite database: with FILEs, new VMs are created there, "
                   "each booting copies of the FILEs (/boot/NAME); without, every VM stored there boots again")
        ->type_name("FILE");
    run.add_option("FILE", raw.files, "Lua or Luau scripts, one process each, spawned in order (PIDs 1, 2, ...)")
        ->type_name("FILE");
    run.set_version_flag("--version", version_text(), "Print the version and exit");
    run.footer(kRunFooter);
    run.formatter(std::make_shared<RunFormatter>());
    return {};
}

void print_usage_error(std::ostream& err, const CLI::App& app, const std::string& message) {
    err << "luaos: " << message << '\n';
    // Without a subcommand the user needs the overview; inside one, a pointer.
    if (app.get_subcommands().empty()) {
        err << app.help();
    } else {
        err << "Run 'luaos " << app.get_subcommands().front()->get_name() << " --help' for usage.\n";
    }
}

// The command line up to the first `--`, and what follows it: the scripts'
// arguments, which CLI11 would otherwise take for more FILEs.
std::pair<std::vector<std::string>, std::vector<std::string>> split_script_arguments(int argc, const char* const* argv) {
    std::vector<std::string> options(argv + 1, argv + argc);
    auto separator = std::find(options.begin(), options.end(), std::string("--"));
    std::vector<std::string> arguments;
    if (separator != options.end()) {
        arguments.assign(separator + 1, options.end());
        options.erase(separator, options.end());
    }
    return {std::move(options), std::move(arguments)};
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"luaos: many simulated computers, each running sandboxed Lua 5.4 processes", "luaos"};
    app.require_subcommand(1);
    app.set_version_flag("--version", version_text(), "Print the version and exit");
    RawRunOptions raw;
    CLI::App* run = app.add_subcommand("run", "Run each FILE as a process of every VM until all end");
    std::vector<const CLI::Option*> pending = declare_run_options(*run, raw);
    RawServeOptions raw_serve;
    CLI::App* serve = app.add_subcommand("serve", "Run a node: VMs created, driven and watched over NATS");
    declare_serve_options(*serve, raw_serve);

    auto [options, arguments] = split_script_arguments(argc, argv);
    try {
        // CLI11 takes the arguments in reverse order.
        std::reverse(options.begin(), options.end());
        app.parse(options);
        if (serve->parsed()) {
            if (!arguments.empty()) throw UsageError("serve takes no arguments after --");
            ParsedCommandLine parsed;
            parsed.serve = validate_serve(raw_serve);
            return parsed;
        }
        reject_pending_options(pending);
        RunCommand command = validate(raw);
        command.args = std::move(arguments);
        ParsedCommandLine parsed;
        parsed.command = std::move(command);
        return parsed;
    } catch (const CLI::CallForHelp&) {
        // `luaos --help` shows every subcommand's options too, so that it
        // alone tells which options exist; `luaos run --help` shows run's.
        out << (app.get_subcommands().empty() ? app.help("", CLI::AppFormatMode::All) : app.help());
        return {std::nullopt, std::nullopt, kExitOk};
    } catch (const CLI::CallForVersion& version) {
        out << version.what() << '\n';
        return {std::nullopt, std::nullopt, kExitOk};
    } catch (const CLI::ParseError& error) {
        print_usage_error(err, app, error.what());
    } catch (const UsageError& error) {
        print_usage_error(err, app, error.what());
    }
    return {std::nullopt, std::nullopt, kExitUsage};
}

}  // namespace luaos::cli
