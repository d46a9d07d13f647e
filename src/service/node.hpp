#pragma once
// A node: a Cluster run as a long-lived service that takes its orders from
// NATS (`luaos serve`; docs/serve.md has the subjects and the guarantees).
//
// Two kinds of thread meet here. The NATS client delivers requests on its
// own threads, at any moment; the Cluster may be touched only between ticks,
// by the thread that ticks it. So a request never acts where it arrives: the
// client's thread checks only what costs nothing to check (the body's size,
// room in the queue), answers a refusal itself ("too_large", "busy": a
// publish touches no engine state), and otherwise appends the request to a
// bounded queue. The tick thread runs a paced loop (60 ticks a second by
// default): it takes every queued request and answers each in arrival
// order, ticks the cluster once with the rest of the frame as its budget,
// then publishes what the VMs did during the tick (spawns, output, exits,
// VMs that left) on each VM's event subject, and sleeps to the next frame.
// A request therefore takes effect at a tick boundary, like every other
// change a host makes, and waits at most one frame to be answered; events
// are published by one thread, in the order they happened within each VM,
// each numbered so that a subscriber notices what it missed.
//
// Stopping (Ctrl-C, SIGTERM, or the stop flag of serve()) drains: the
// subscription ends and the requests it had already received are answered,
// then every VM's processes are killed ("the node is shutting down") and
// their exits and the VMs' removal published, the node says it stopped, and
// the connection is flushed before it closes. Nothing is handed to another
// node (docs/serve.md, "Not yet").
//
// Several nodes on one broker share three things (shared_subjects.hpp): a
// node with room takes creates sent to any node (placement.hpp), the node
// that holds a VM answers for it on a subject that names no node
// (vm_subscriptions.hpp), and every node beats and notices a peer that
// stopped beating (liveness.hpp).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>

#include "luaos/cluster.hpp"
#include "service/liveness.hpp"
#include "service/service_limits.hpp"

namespace luaos::service {

class NatsLink;

struct NodeOptions {
    std::string nats_url;  // e.g. nats://127.0.0.1:4222
    std::string name;      // the node's subject token (is_subject_token)
    double ticks_per_second = kDefaultTicksPerSecond;
    ClusterOptions cluster;
    ServiceLimits limits;
    // How long a host function served over NATS waits for the game's reply.
    std::chrono::milliseconds call_timeout = kDefaultCallTimeout;
    HeartbeatOptions heartbeat;
    std::ostream* log = nullptr;  // a line when serving starts and stops; may be null
};

// What serve() did.
struct NodeReport {
    std::uint64_t ticks = 0;
    std::uint64_t requests = 0;
    std::uint64_t vms_stopped = 0;  // VMs still running when it stopped
};

class Node {
public:
    // Connects to NATS and subscribes; throws NatsError when the server
    // cannot be reached, std::invalid_argument for a bad name or rate.
    explicit Node(NodeOptions options);
    ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    // Ticks and answers until `stop` reads true, then drains (above).
    NodeReport serve(const std::atomic<bool>& stop);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace luaos::service
