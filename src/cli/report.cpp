#include "cli/report.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/exit_status.hpp"
#include "cli/version.hpp"

namespace luaos::cli {
namespace {

using Json = nlohmann::ordered_json;

// A process's output is whatever bytes it printed: invalid UTF-8 becomes
// U+FFFD rather than an exception halfway through the report.
std::string serialize(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

double ms_of(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

Json process_json(ProcessRecord&& record) {
    const ProcessStats& stats = record.stats;
    Json process;
    process["pid"] = record.pid;
    process["status"] = status_name(record.status);
    process["error"] = ended_badly(record.status) ? Json(std::move(record.error)) : Json(nullptr);
    process["traceback"] = record.traceback.empty() ? Json(nullptr) : Json(std::move(record.traceback));
    process["stdout"] = std::move(record.output);
    process["cpu_ms"] = ms_of(stats.cpu_ns);
    process["instructions"] = stats.instructions;
    process["slices"] = stats.slices;
    process["preemptions"] = stats.preemptions;
    process["ticks_alive"] = stats.ticks_alive;
    process["memory"] = stats.memory;
    process["memory_peak"] = stats.memory_peak;
    process["stdout_bytes"] = stats.stdout_bytes;
    return process;
}

Json vm_stats_json(const VmStats& stats) {
    Json json;
    json["cpu_ms"] = ms_of(stats.cpu_ns);
    json["instructions"] = stats.instructions;
    json["slices"] = stats.slices;
    json["preemptions"] = stats.preemptions;
    json["ticks"] = stats.ticks;
    json["stdout_bytes"] = stats.stdout_bytes;
    json["processes_spawned"] = stats.processes_spawned;
    json["turns_sat_out"] = stats.turns_sat_out;
    json["memory"] = stats.memory;
    json["memory_peak"] = stats.memory_peak;
    return json;
}

Json vm_json(VmRecord&& record, std::uint64_t serial) {
    Json vm;
    vm["id"] = record.id.to_string();
    vm["serial"] = serial;
    vm["finished"] = record.finished();
    vm["stats"] = vm_stats_json(record.stats);
    Json processes = Json::array();
    for (ProcessRecord& process : record.processes) processes.push_back(process_json(std::move(process)));
    vm["processes"] = std::move(processes);
    return vm;
}

Json tick_stats_json(const TickSummary& ticks) {
    Json json;
    json["count"] = ticks.count;
    json["wall_ms_total"] = ms_of(ticks.wall_ns_total);
    json["wall_ms_max"] = ms_of(ticks.wall_ns_max);
    json["wall_ms_mean"] = ticks.count == 0 ? 0.0 : ms_of(ticks.wall_ns_total) / static_cast<double>(ticks.count);
    json["longest_slice_ms"] = ms_of(ticks.longest_slice_ns);
    if (ticks.has_longest_slice) {
        json["longest_slice"] = {{"vm", ticks.longest_vm}, {"pid", ticks.longest_pid}, {"name", ticks.longest_name}};
    } else {
        json["longest_slice"] = nullptr;
    }
    return json;
}

}  // namespace

void write_json_report(std::ostream& out, const ReportTimes& times, std::vector<VmRecord> vms) {
    out << "{\"version\":" << serialize(kVersion) << ",\"ticks\":" << times.run.ticks
        << ",\"elapsed_ms\":" << serialize(times.run.elapsed_ms)
        << ",\"setup_ms\":" << serialize(times.setup_ms)
        << ",\"hit_tick_limit\":" << (times.run.hit_tick_limit ? "true" : "false")
        << ",\"interrupted\":" << (times.interrupted != nullptr ? serialize(times.interrupted) : "null")
        << ",\"tick_stats\":" << serialize(tick_stats_json(times.tick_stats)) << ",\"vms\":[";
    for (std::size_t serial = 0; serial < vms.size(); ++serial) {
        out << (serial == 0 ? "\n" : ",\n") << serialize(vm_json(std::move(vms[serial]), serial));
        vms[serial] = VmRecord{};
    }
    out << "\n]}\n" << std::flush;
}

}  // namespace luaos::cli
