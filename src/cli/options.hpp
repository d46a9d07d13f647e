#pragma once
// The command line of `luaos run`, parsed and validated before anything runs.

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "luaos/cluster.hpp"
#include "luaos/dialect.hpp"
#include "luaos/net_limits.hpp"
#include "luaos/runtime.hpp"

namespace luaos::cli {

struct RunCommand {
    std::uint64_t vms = 1;
    std::uint64_t max_ticks = 1000;
    // Given: the instruction-count mode with this quantum; else the deadline mode.
    std::optional<std::uint32_t> quantum;
    std::uint32_t time_slice_us = kDefaultTimeSliceUs;
    std::size_t memory_limit = kDefaultMemoryLimit;
    FileLimits file_limits;  // --fs-quota, --fs-files; the rest at their defaults
    Dialect dialect = Dialect::Lua;  // --dialect: for FILEs not ending .luau
    bool json = false;
    double ticks_per_second = 0;  // 0: unpaced
    unsigned threads = 1;
    std::size_t shard_vms = kDefaultShardVms;
    NetLimits net_limits{};  // --net-limit NAME=VALUE (repeatable)
    std::optional<std::string> trace;     // --trace FILE: Chrome trace-event JSON
    std::optional<std::string> timeline;  // --timeline FILE.svg
    bool top = false;                     // --top: the busiest processes, on stderr
    // --program NAME=FILE, in order: installed on every VM for os.spawn.
    std::vector<std::pair<std::string, std::string>> programs;
    // --store FILE: the VMs are kept in this SQLite store; without FILEs,
    // every VM stored there boots again.
    std::optional<std::string> store;
    std::vector<std::string> files;
    // After `--`: every FILE's process gets them as `...` and `arg`.
    std::vector<std::string> args;
    // --stdin: this program's stdin goes to PID 1 of the first VM; without
    // it, every FILE's process has its stdin at end of file.
    bool connect_stdin = false;
};

// `luaos serve`: a node taking its orders from NATS (docs/serve.md).
struct ServeCommand {
    std::string nats_url;
    std::string node;  // a subject token; the host's name by default
    double ticks_per_second = kDefaultTicksPerSecond;
    std::optional<std::uint32_t> quantum;
    std::uint32_t time_slice_us = kDefaultTimeSliceUs;
    std::size_t memory_limit = kDefaultMemoryLimit;
    unsigned threads = 1;
    std::size_t shard_vms = kDefaultShardVms;
    // The control API's limits (service/service_limits.hpp has the defaults).
    std::optional<std::uint64_t> max_vms;
    std::optional<std::size_t> max_request_bytes;
    std::optional<std::uint64_t> max_queued;
    std::optional<std::size_t> event_output;
    std::optional<std::size_t> net_datagram_queue;
    std::optional<std::uint64_t> call_timeout_ms;  // NodeOptions::call_timeout
    // Several nodes (docs/serve.md): the heartbeat's interval, in ms.
    std::optional<std::uint64_t> heartbeat_ms;
    std::optional<std::string> store;  // --store FILE: the node's VMs kept there
};

struct ParsedCommandLine {
    std::optional<RunCommand> command;  // `luaos run`
    std::optional<ServeCommand> serve;  // `luaos serve`
    // Neither: nothing to run, exit with exit_code.
    int exit_code = 0;
};

// Prints the help (on `out`) or the usage error (on `err`) itself, so callers
// only decide between running and exiting.
ParsedCommandLine parse_command_line(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace luaos::cli
