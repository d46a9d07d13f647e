#pragma once
// What one node accepts from its clients (docs/security.md lists each with
// its default): the control API is reachable by anyone the broker lets in,
// so every request is bounded before it costs the node anything.

#include <chrono>
#include <cstddef>

namespace luaos::service {

// How long a host function served over NATS waits for the game's reply
// (NodeOptions::call_timeout, `--call-timeout`).
inline constexpr std::chrono::milliseconds kDefaultCallTimeout{5000};

struct ServiceLimits {
    // Bytes of one request's body; a larger one is refused ("too_large")
    // on the client's thread, before it is queued.
    std::size_t request_bytes = std::size_t{1} << 20;
    // Requests waiting for the next tick; past it a request is refused
    // ("busy") at once.
    std::size_t queued_requests = 1024;
    // Arrays and objects nested in one body.
    std::size_t json_depth = 16;
    // VMs one node holds; a create past it is refused ("limit").
    std::size_t vms = 10'000;
    // Programs one create installs.
    std::size_t programs_per_vm = 64;
    // Bytes of output one VM's events carry per tick; the rest is counted in
    // an "output_dropped" event.
    std::size_t event_output_bytes = std::size_t{256} << 10;
    // VMs one list reply names at most (then "more" is true).
    std::size_t list_page = 1000;
    // Host libraries served over NATS that one create declares, and
    // functions per library (service/remote_calls.hpp).
    std::size_t libraries_per_vm = 8;
    std::size_t functions_per_library = 64;
    // Bytes of datagrams from other nodes' VMs waiting for the next tick;
    // one arriving past it is dropped and counted (service/net_bridge.hpp).
    std::size_t net_queued_datagram_bytes = std::size_t{8} << 20;
};

}  // namespace luaos::service
