#pragma once
// The limits a hostile script runs into on the network (docs/security.md).

#include <cstddef>
#include <cstdint>

namespace luaos {

// The network's limits (docs/security.md), per VM or per process.
struct NetLimits {
    // Open connections (connecting, open, or waiting to be accepted) per VM
    // and per process; past it net.connect returns nil, "too many connections",
    // and connections to the VM are refused.
    std::uint32_t connections_per_vm = 256;
    std::uint32_t connections_per_process = 64;
    // The share, in percent (1 to 100), of a VM's connection table
    // (connections_per_vm) and of a listening process's
    // (connections_per_process) that the connections opened to it from one
    // source may hold, accepted or waiting to be: one VM cannot fill another's
    // table and deny everyone else. A source is the endpoint that opened the
    // connection (a VM here, or one VM of another cluster), whatever source
    // address the policy shows. Past its share, that source's connections are
    // refused. Network's constructor throws std::invalid_argument outside 1..100.
    std::uint32_t source_share_percent = 25;
    // Listening ports per VM and per process; past it net.listen returns nil.
    std::uint32_t listeners_per_vm = 16;
    std::uint32_t listeners_per_process = 8;
    // Bytes one connection's receiver buffers at most, which is also the
    // largest message: a sender that would go past it waits until the
    // receiver has read (backpressure).
    std::size_t connection_bytes = std::size_t{64} << 10;
    // Bytes a VM has sent over all its connections that the receivers have
    // not read yet; a sender past it waits too.
    std::size_t vm_sent_bytes = std::size_t{1} << 20;
    // What a VM may send per tick, which is what the network routes for it
    // between two ticks: packets of any kind (connection messages, connections
    // opened, datagrams), connections opened, and datagrams. Past one of them
    // conn:send, net.connect or net.send waits for the VM's next tick: the
    // sender pays for a flood, never the frame nor the other VMs.
    std::uint32_t packets_per_tick = 1024;
    std::uint32_t connects_per_tick = 64;
    std::uint32_t datagrams_per_tick = 64;
    // The largest datagram, and the datagrams and bytes waiting in one VM's
    // queue for net.recv; one arriving at a full queue is dropped and counted
    // (NetStats::datagrams_dropped), as a real network drops it.
    std::size_t datagram_bytes = std::size_t{8} << 10;
    std::uint32_t datagram_queue = 128;
    std::size_t datagram_queue_bytes = std::size_t{256} << 10;
};

}  // namespace luaos
