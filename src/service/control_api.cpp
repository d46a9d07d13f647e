#include "service/control_api.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "luaos/network.hpp"
#include "luaos/os.hpp"
#include "luaos/stats.hpp"
#include "service/stored_vms.hpp"
#include "service/library_request.hpp"

namespace luaos::service {
namespace {

// Names of programs and processes, and a kill's reason: short texts.
constexpr std::size_t kMaxNameBytes = 256;
constexpr std::size_t kMaxReasonBytes = 1024;
constexpr std::uint64_t kMaxPid = std::numeric_limits<Pid>::max();

RequestError not_found(const std::string& what) { return RequestError("not_found", what); }

Dialect dialect_field(const RequestFields& fields) {
    const std::optional<std::string> dialect = fields.optional_string("dialect", 8);
    if (!dialect || *dialect == "lua") return Dialect::Lua;
    if (*dialect == "luau") return Dialect::Luau;
    throw bad_request(fields.path("dialect") + " must be \"lua\" or \"luau\"");
}

// Arguments of a spawn, within the limits scripts' spawns have too.
SpawnOptions spawn_options(const RequestFields& fields, const ProcessLimits& limits) {
    SpawnOptions options;
    options.args = fields.optional_strings("args", limits.spawn_args, limits.spawn_arg_bytes);
    options.set_arg = true;
    // A spawn that does not compile makes no process: the reply says why.
    options.process_on_compile_error = false;
    return options;
}

Pid pid_field(const RequestFields& fields) { return static_cast<Pid>(fields.integer("pid", 1, kMaxPid)); }

void check_room_for_process(const VirtualMachine& vm, const ProcessLimits& limits) {
    const std::uint32_t max = limits.max_processes;
    if (vm.os().live_processes() >= max) {
        throw RequestError("limit", "the VM has its limit of " + std::to_string(max) + " live processes");
    }
}

double ms_of(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

Json vm_stats_json(const VmStats& stats) {
    return Json{{"cpu_ms", ms_of(stats.cpu_ns)},          {"instructions", stats.instructions},
                {"slices", stats.slices},                 {"preemptions", stats.preemptions},
                {"ticks", stats.ticks},                   {"stdout_bytes", stats.stdout_bytes},
                {"processes_spawned", stats.processes_spawned}, {"turns_sat_out", stats.turns_sat_out},
                {"memory", stats.memory},                 {"memory_peak", stats.memory_peak}};
}

Json process_stats_json(const Process& process) {
    const ProcessStats stats = process.stats();
    return Json{{"pid", process.pid()},
                {"name", process.name()},
                {"state", state_name(process.state())},
                {"cpu_ms", ms_of(stats.cpu_ns)},
                {"instructions", stats.instructions},
                {"slices", stats.slices},
                {"preemptions", stats.preemptions},
                {"ticks_alive", stats.ticks_alive},
                {"stdout_bytes", stats.stdout_bytes},
                {"memory", stats.memory},
                {"memory_peak", stats.memory_peak}};
}

Json net_stats_json(const NetBridgeCounts& counts) {
    return Json{{"packets_out", counts.packets_out},
                {"bytes_out", counts.bytes_out},
                {"packets_in", counts.packets_in},
                {"bytes_in", counts.bytes_in},
                {"undeliverable", counts.undeliverable},
                {"datagrams_lost", counts.datagrams_lost},
                {"datagrams_dropped", counts.datagrams_dropped},
                {"malformed", counts.malformed},
                {"queued_peak_bytes", counts.queued_peak_bytes}};
}

std::vector<std::shared_ptr<const Program>> read_programs(const RequestFields& body, const ServiceLimits& limits) {
    std::vector<std::shared_ptr<const Program>> programs;
    const std::vector<const Json*> entries = body.optional_objects("programs", limits.programs_per_vm);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const RequestFields fields(*entries[i], body.path("programs") + "[" + std::to_string(i) + "]",
                                   {"name", "code", "dialect"});
        Program program;
        program.name = fields.string("name", kMaxNameBytes);
        if (program.name.empty()) throw bad_request(fields.path("name") + " must not be empty");
        for (const auto& seen : programs) {
            if (seen->name == program.name) throw bad_request("the program '" + program.name + "' is given twice");
        }
        program.code = fields.string("code", limits.request_bytes);
        program.dialect = dialect_field(fields);
        programs.push_back(std::make_shared<const Program>(std::move(program)));
    }
    return programs;
}

// A boot entry: an installed program to spawn once the VM exists.
struct BootSpec {
    std::string program;
    SpawnOptions options;
    bool close_stdin = false;
};

std::vector<BootSpec> read_boot(const RequestFields& body, const std::vector<std::shared_ptr<const Program>>& programs,
                                const ProcessLimits& limits) {
    std::vector<BootSpec> boot;
    const std::vector<const Json*> entries = body.optional_objects("boot", limits.max_processes);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const RequestFields fields(*entries[i], body.path("boot") + "[" + std::to_string(i) + "]",
                                   {"program", "args", "close_stdin"});
        BootSpec spec;
        spec.program = fields.string("program", kMaxNameBytes);
        auto program = std::find_if(programs.begin(), programs.end(),
                                    [&spec](const auto& candidate) { return candidate->name == spec.program; });
        if (program == programs.end()) {
            throw bad_request(fields.path("program") + " names no program of body.programs");
        }
        spec.options = spawn_options(fields, limits);
        spec.options.dialect = (*program)->dialect;
        spec.close_stdin = fields.optional_bool("close_stdin", false);
        boot.push_back(std::move(spec));
    }
    return boot;
}

std::optional<NetAddress> read_address(const RequestFields& body) {
    const std::optional<std::string> text = body.optional_string("address", 15);
    if (!text) return std::nullopt;
    const std::optional<NetAddress> address = parse_net_address(*text);
    if (!address) throw bad_request(body.path("address") + " must be an IPv4 address such as 10.0.0.1");
    return address;
}

// With a store: the boot list kept for the VM (its programs' files, the
// entries' arguments), checked before the VM exists; empty without.
std::vector<BootEntry> stored_boot_list(const std::vector<BootSpec>& boot,
                                        const std::vector<std::shared_ptr<const Program>>& programs, bool stored) {
    std::vector<BootEntry> entries;
    if (!stored) return entries;
    for (const auto& program : programs) stored_program_path(*program);
    for (const BootSpec& spec : boot) {
        const auto program = std::find_if(programs.begin(), programs.end(),
                                          [&spec](const auto& candidate) { return candidate->name == spec.program; });
        entries.push_back(BootEntry{stored_program_path(**program), spec.options.args});
    }
    return entries;
}

// Spawns one boot entry; its line of the reply.
Json boot_process(Os& os, const BootSpec& spec) {
    const SpawnResult result = os.spawn_program(spec.program, spec.options);
    Json entry{{"program", spec.program}};
    if (!result.ok()) {
        entry["error"] = result.error;
        return entry;
    }
    entry["pid"] = result.pid;
    if (spec.close_stdin) os.close_stdin(result.pid);
    return entry;
}

}  // namespace

std::string serialize(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string vm_id_text(VmId vm) { return std::to_string(vm); }

std::string error_reply(const std::string& node, const std::string& code, const std::string& message) {
    return serialize(Json{{"ok", false}, {"node", node}, {"error", Json{{"code", code}, {"message", message}}}});
}

ControlApi::ControlApi(Cluster& cluster, VmTable& vms, const Subjects& subjects, const ServiceLimits& limits,
                       const ProcessLimits& process_limits, NodeCounters& counters, RemoteCalls& remote,
                       NetBridge& net, StoredVms& stored)
    : cluster_(cluster),
      vms_(vms),
      subjects_(subjects),
      limits_(limits),
      process_limits_(process_limits),
      counters_(counters),
      remote_(remote),
      net_(net),
      stored_(stored),
      started_(std::chrono::steady_clock::now()) {}

std::string ControlApi::handle(const Request& request) {
    counters_.requests.fetch_add(1, std::memory_order_relaxed);
    try {
        const std::optional<RequestTarget> target = subjects_.parse(request.subject);
        if (!target) {
            throw RequestError("unknown_subject", "no operation is named '" + request.subject.substr(0, 256) + "'");
        }
        const Json body = parse_request_body(request.body, limits_.json_depth);
        return serialize(dispatch(*target, body));
    } catch (const RequestError& error) {
        counters_.errors.fetch_add(1, std::memory_order_relaxed);
        return error_reply(subjects_.node(), error.code(), error.what());
    } catch (const std::exception& error) {
        // The engine refused (e.g. out of memory): the request failed, the node goes on.
        counters_.errors.fetch_add(1, std::memory_order_relaxed);
        return error_reply(subjects_.node(), "failed", error.what());
    }
}

Json ControlApi::dispatch(const RequestTarget& target, const Json& body) {
    switch (target.operation) {
        case Operation::VmCreate: return create_vm(body);
        case Operation::VmList: return list_vms(body);
        case Operation::VmFind: return find_vm(body);
        case Operation::NodeStats: return node_stats(body);
        default: break;
    }
    const VmId id = target.vm.value_or(0);
    VirtualMachine* vm = vms_.find(id);
    if (vm == nullptr) throw not_found("no VM '" + target.vm_token.substr(0, 64) + "' on node " + subjects_.node());
    switch (target.operation) {
        case Operation::VmStatus: return vm_status(id, *vm, body);
        case Operation::VmStats: return vm_stats(id, *vm, body);
        case Operation::VmDestroy: return destroy_vm(id, body);
        case Operation::VmSpawn: return spawn(id, *vm, body);
        case Operation::VmStdin: return write_stdin(id, *vm, body);
        case Operation::VmKill: return kill(id, *vm, body);
        default: break;
    }
    throw RequestError("unknown_subject", "no such operation");
}

Json ControlApi::reply() const { return Json{{"ok", true}, {"node", subjects_.node()}}; }

Json ControlApi::vm_reply(VmId vm) const {
    Json json = reply();
    json["vm"] = vm_id_text(vm);
    return json;
}

Json ControlApi::create_vm(const Json& body) {
    const RequestFields fields(body, "body", {"programs", "boot", "address", "keep", "libraries"});
    // Everything is read and checked before the VM exists.
    const std::vector<std::shared_ptr<const Program>> programs = read_programs(fields, limits_);
    const std::vector<BootSpec> boot = read_boot(fields, programs, process_limits_);
    const std::optional<NetAddress> address = read_address(fields);
    const std::vector<RemoteLibrarySpec> libraries = read_libraries(fields, limits_);
    fields.optional_bool("keep", true);  // checked before the VM exists
    const std::vector<BootEntry> stored_boot = stored_boot_list(boot, programs, cluster_.store() != nullptr);
    if (vms_.size() >= limits_.vms) {
        throw RequestError("limit", "the node holds its limit of " + std::to_string(limits_.vms) + " VMs");
    }
    if (address) check_free_elsewhere(*address);
    // A player's computer stays, empty or not, until it is destroyed.
    const VmId id = vms_.create(fields.optional_bool("keep", true));
    VirtualMachine& vm = *vms_.find(id);
    if (address && !cluster_.network().set_addresses(vm, {*address})) {
        vms_.destroy(id, "create_failed", "the VM was not created");
        throw RequestError("address_taken", "another VM has the address " + format_net_address(*address));
    }
    if (address) {
        // Asked again with this node's subscription made: a create of the
        // same address racing on another node hears one of the two.
        try {
            check_free_elsewhere(*address);
        } catch (const RequestError&) {
            vms_.destroy(id, "create_failed", "the VM was not created");
            throw;
        }
    }
    install_libraries(id, vm.os(), libraries);
    if (const std::string why = stored_.keep(id, vm, programs, stored_boot); !why.empty()) {
        vms_.destroy(id, "create_failed", "the VM was not created");
        throw RequestError("failed", "the VM cannot be kept in the store: " + why);
    }
    for (const auto& program : programs) vm.os().install_program(program);
    Json booted = Json::array();
    for (const BootSpec& spec : boot) booted.push_back(boot_process(vm.os(), spec));
    Json json = vm_reply(id);
    json["uuid"] = vm.id().to_string();
    json["boot"] = std::move(booted);
    return json;
}

// Refuses an address another node's VM holds (service/net_bridge.hpp).
void ControlApi::check_free_elsewhere(NetAddress address) {
    const AddressHolder holder = net_.holder_elsewhere(address);
    const std::string text = format_net_address(address);
    switch (holder.kind) {
        case AddressHolder::Kind::Nobody: return;
        case AddressHolder::Kind::Node:
            throw RequestError("address_taken",
                               "a VM on node " + holder.detail.substr(0, 64) + " has the address " + text);
        case AddressHolder::Kind::Silent:
            throw RequestError("address_taken", "the address " + text + " is held elsewhere: " + holder.detail);
        case AddressHolder::Kind::Unknown:
            throw RequestError("failed", "cannot check that the address " + text + " is free: " + holder.detail);
    }
}

void ControlApi::install_libraries(VmId id, Os& os, const std::vector<RemoteLibrarySpec>& libraries) {
    for (const RemoteLibrarySpec& spec : libraries) {
        try {
            os.add_host_library(remote_.library(spec));
        } catch (const std::invalid_argument& error) {  // a name scripts have already ('os')
            vms_.destroy(id, "create_failed", "the VM was not created");
            throw bad_request("body.libraries: " + std::string(error.what()));
        }
    }
}

Json ControlApi::list_vms(const Json& body) const {
    const RequestFields fields(body, "body", {"after", "limit"});
    VmId after = 0;
    if (const std::optional<std::string> text = fields.optional_string("after", 20)) {
        const std::optional<VmId> id = parse_vm_id(*text);
        if (!id) throw bad_request("body.after must be a VM id (a decimal string)");
        after = *id;
    }
    const std::size_t limit =
        static_cast<std::size_t>(fields.optional_integer("limit", 1, limits_.list_page).value_or(limits_.list_page));
    Json listed = Json::array();
    bool more = false;
    for (VmId id : vms_.ids()) {
        if (id <= after) continue;
        if (listed.size() == limit) {
            more = true;
            break;
        }
        const VirtualMachine& vm = *vms_.find(id);
        listed.push_back(Json{{"vm", vm_id_text(id)},
                              {"uuid", vm.id().to_string()},
                              {"processes", vm.os().live_processes()}});
    }
    Json json = reply();
    json["vms"] = std::move(listed);
    json["more"] = more;
    return json;
}

Json ControlApi::find_vm(const Json& body) const {
    const RequestFields fields(body, "body", {"uuid"});
    const std::string uuid = fields.string("uuid", 64);
    for (VmId id : vms_.ids()) {
        const VirtualMachine& vm = *vms_.find(id);
        if (vm.id().to_string() != uuid) continue;
        Json json = vm_reply(id);
        json["uuid"] = uuid;
        json["processes"] = vm.os().live_processes();
        return json;
    }
    throw not_found("no VM with the UUID '" + uuid + "' on node " + subjects_.node());
}

Json ControlApi::node_stats(const Json& body) const {
    const RequestFields fields(body, "body", {});
    const TickStats& tick = cluster_.last_tick();
    const auto uptime = std::chrono::steady_clock::now() - started_;
    Json json = reply();
    json["vms"] = vms_.size();
    json["awake_vms"] = cluster_.awake_vm_count();
    json["processes"] = cluster_.process_count();
    json["ticks"] = cluster_.ticks();
    json["uptime_ms"] = std::chrono::duration<double, std::milli>(uptime).count();
    json["requests"] = counters_.requests.load(std::memory_order_relaxed);
    json["request_errors"] = counters_.errors.load(std::memory_order_relaxed);
    json["refused_busy"] = counters_.busy.load(std::memory_order_relaxed);
    json["refused_too_large"] = counters_.too_large.load(std::memory_order_relaxed);
    json["events"] = counters_.events.load(std::memory_order_relaxed);
    json["calls_in_flight"] = remote_.in_flight();
    json["net"] = net_stats_json(net_.counts());
    json["last_tick"] = Json{{"wall_ms", ms_of(tick.wall_ns)},
                             {"processes_run", tick.processes_run},
                             {"vms_deferred", tick.vms_deferred},
                             {"longest_slice_ms", ms_of(tick.longest_slice_ns)}};
    return json;
}

Json ControlApi::vm_status(VmId id, VirtualMachine& vm, const Json& body) const {
    const RequestFields fields(body, "body", {"pid"});
    Json json = vm_reply(id);
    if (fields.has("pid")) {
        const Pid pid = pid_field(fields);
        const ProcessState state = vm.os().state(pid);
        json["pid"] = pid;
        json["state"] = state_name(state);
        if (const std::optional<int> code = vm.os().exit_code(pid)) json["exit_code"] = *code;
        return json;
    }
    Json processes = Json::array();
    for (const Process* process : vm.os().processes()) {
        if (process->is_finished()) continue;
        processes.push_back(Json{{"pid", process->pid()},
                                 {"name", process->name()},
                                 {"state", state_name(process->state())},
                                 {"parent", process->parent()}});
    }
    json["processes"] = std::move(processes);
    return json;
}

Json ControlApi::vm_stats(VmId id, VirtualMachine& vm, const Json& body) const {
    const RequestFields fields(body, "body", {});
    Json processes = Json::array();
    for (const Process* process : vm.os().processes()) {
        if (!process->is_finished()) processes.push_back(process_stats_json(*process));
    }
    Json json = vm_reply(id);
    json["stats"] = vm_stats_json(vm.os().stats());
    json["processes"] = std::move(processes);
    return json;
}

Json ControlApi::destroy_vm(VmId id, const Json& body) {
    const RequestFields fields(body, "body", {"reason"});
    const std::string reason = fields.optional_string("reason", kMaxReasonBytes).value_or("the VM was destroyed");
    vms_.destroy(id, "destroyed", reason);
    return vm_reply(id);
}

Json ControlApi::spawn(VmId id, VirtualMachine& vm, const Json& body) {
    const RequestFields fields(body, "body", {"program", "code", "name", "dialect", "args", "close_stdin"});
    SpawnOptions options = spawn_options(fields, process_limits_);
    const bool by_program = fields.has("program");
    if (by_program == fields.has("code")) throw bad_request("body needs exactly one of 'program' and 'code'");
    SpawnResult result;
    if (by_program) {
        if (fields.has("name") || fields.has("dialect")) {
            throw bad_request("'name' and 'dialect' go with 'code'; a program has its own");
        }
        const std::string name = fields.string("program", kMaxNameBytes);
        const std::shared_ptr<const Program> program = vm.os().find_program(name);
        if (!program) throw not_found("the VM has no program named '" + name + "'");
        check_room_for_process(vm, process_limits_);
        options.dialect = program->dialect;
        result = vm.os().spawn_program(name, options);
    } else {
        const std::string code = fields.string("code", limits_.request_bytes);
        const std::string name = fields.optional_string("name", kMaxNameBytes).value_or("code");
        options.dialect = dialect_field(fields);
        check_room_for_process(vm, process_limits_);
        result = vm.os().spawn_process(code, name, options);
    }
    if (!result.ok()) throw RequestError("spawn_failed", result.error);
    if (fields.optional_bool("close_stdin", false)) vm.os().close_stdin(result.pid);
    Json json = vm_reply(id);
    json["pid"] = result.pid;
    return json;
}

Json ControlApi::write_stdin(VmId id, VirtualMachine& vm, const Json& body) {
    const RequestFields fields(body, "body", {"pid", "line", "close"});
    const Pid pid = pid_field(fields);
    const std::optional<std::string> line = fields.optional_string("line", limits_.request_bytes);
    const bool close = fields.optional_bool("close", false);
    if (!line && !close) throw bad_request("body needs 'line', 'close': true, or both");
    if (line) {
        switch (vm.os().write_stdin(pid, *line)) {
            case Delivery::Delivered: break;
            case Delivery::NotFound: throw not_found("no live process " + std::to_string(pid));
            case Delivery::Full: throw RequestError("stdin_full", "the process's stdin is full; retry later");
            case Delivery::Closed: throw RequestError("stdin_closed", "the process's stdin is closed");
            case Delivery::TooLarge: throw RequestError("too_large", "the line is longer than the stdin limit");
        }
    }
    if (close && vm.os().close_stdin(pid) == Delivery::NotFound) {
        throw not_found("no live process " + std::to_string(pid));
    }
    Json json = vm_reply(id);
    json["pid"] = pid;
    return json;
}

Json ControlApi::kill(VmId id, VirtualMachine& vm, const Json& body) {
    const RequestFields fields(body, "body", {"pid", "reason"});
    const Pid pid = pid_field(fields);
    const std::string reason = fields.optional_string("reason", kMaxReasonBytes).value_or("killed by the host");
    if (!vm.os().kill(pid, reason)) throw not_found("no live process " + std::to_string(pid));
    Json json = vm_reply(id);
    json["pid"] = pid;
    return json;
}

}  // namespace luaos::service
