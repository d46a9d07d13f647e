#include "cli/report.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/exit_status.hpp"

namespace luaos::cli {
namespace {

using Json = nlohmann::ordered_json;

// A process's output is whatever bytes it printed: invalid UTF-8 becomes
// U+FFFD rather than an exception halfway through the report.
std::string serialize(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json process_json(ProcessRecord&& record) {
    Json process;
    process["pid"] = record.pid;
    process["status"] = status_name(record.status);
    process["error"] = ended_badly(record.status) ? Json(std::move(record.error)) : Json(nullptr);
    process["stdout"] = std::move(record.output);
    return process;
}

Json vm_json(VmRecord&& record, std::uint64_t serial) {
    Json vm;
    vm["id"] = record.id.to_string();
    vm["serial"] = serial;
    vm["finished"] = record.finished();
    Json processes = Json::array();
    for (ProcessRecord& process : record.processes) processes.push_back(process_json(std::move(process)));
    vm["processes"] = std::move(processes);
    return vm;
}

}  // namespace

void write_json_report(std::ostream& out, const ReportTimes& times, std::vector<VmRecord> vms) {
    out << "{\"ticks\":" << times.run.ticks << ",\"elapsed_ms\":" << serialize(times.run.elapsed_ms)
        << ",\"setup_ms\":" << serialize(times.setup_ms)
        << ",\"hit_tick_limit\":" << (times.run.hit_tick_limit ? "true" : "false") << ",\"vms\":[";
    for (std::size_t serial = 0; serial < vms.size(); ++serial) {
        out << (serial == 0 ? "\n" : ",\n") << serialize(vm_json(std::move(vms[serial]), serial));
        vms[serial] = VmRecord{};
    }
    out << "\n]}\n" << std::flush;
}

}  // namespace luaos::cli
