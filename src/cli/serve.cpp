#include "cli/serve.hpp"

#include <chrono>
#include <iostream>
#include <stdexcept>
#include <utility>

#include "cli/exit_status.hpp"
#include "cli/interrupt.hpp"
#include "luaos/file_store.hpp"
#include "service/nats_link.hpp"
#include "service/node.hpp"

namespace luaos::cli {
namespace {

service::NodeOptions node_options(const ServeCommand& command) {
    service::NodeOptions options;
    options.nats_url = command.nats_url;
    options.name = command.node;
    options.ticks_per_second = command.ticks_per_second;
    RuntimeOptions& runtime = options.cluster.runtime;
    if (command.quantum) {
        runtime.preemption = PreemptionMode::InstructionCount;
        runtime.quantum = *command.quantum;
    }
    runtime.time_slice_us = command.time_slice_us;
    runtime.memory_limit = command.memory_limit;
    options.cluster.threads = command.threads;
    options.cluster.shard_vms = command.shard_vms;
    service::ServiceLimits& limits = options.limits;
    if (command.max_vms) limits.vms = *command.max_vms;
    if (command.max_request_bytes) limits.request_bytes = *command.max_request_bytes;
    if (command.max_queued) limits.queued_requests = *command.max_queued;
    if (command.event_output) limits.event_output_bytes = *command.event_output;
    if (command.net_datagram_queue) limits.net_queued_datagram_bytes = *command.net_datagram_queue;
    if (command.call_timeout_ms) options.call_timeout = std::chrono::milliseconds(*command.call_timeout_ms);
    if (command.heartbeat_ms) options.heartbeat.interval = std::chrono::milliseconds(*command.heartbeat_ms);
    if (command.store) options.cluster.store = open_sqlite_store(*command.store);
    options.log = &std::cerr;
    return options;
}

}  // namespace

int serve_command(const ServeCommand& command) {
    // Before connecting: a Ctrl-C while the broker is being reached stops
    // the node as soon as it serves.
    InterruptSignals signals;
    try {
        service::Node node(node_options(command));
        node.serve(signals.stop_flag());
    } catch (const service::NatsError& error) {
        std::cerr << "luaos: " << error.what() << '\n';
        return kExitFailure;
    } catch (const StoreError& error) {
        // It cannot be opened, or a commit failed: what was committed stays.
        std::cerr << "luaos: " << error.what() << '\n';
        return kExitFailure;
    }
    return kExitOk;
}

}  // namespace luaos::cli
