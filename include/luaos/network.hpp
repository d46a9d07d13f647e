#pragma once
// The network between a cluster's VMs (docs/network.md): addresses, a name
// service, the game's rules for who reaches whom, and the limits a hostile
// script runs into. Scripts use it through the `net` library; the host
// configures it through Cluster::network().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace luaos {

class VirtualMachine;
class Runtime;
class NetEndpoint;
struct NetLink;

// An IPv4 address, 10.0.0.1 being 0x0A000001.
using NetAddress = std::uint32_t;

// "a.b.c.d" (four decimal numbers 0-255, no leading zeros), else nullopt.
std::optional<NetAddress> parse_net_address(std::string_view text);
std::string format_net_address(NetAddress address);

// The network's limits (docs/security.md), per VM or per process.
struct NetLimits {
    // Open connections (connecting, open, or waiting to be accepted) per VM
    // and per process; past it net.connect returns nil, "too many connections",
    // and connections to the VM are refused.
    std::uint32_t connections_per_vm = 256;
    std::uint32_t connections_per_process = 64;
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
    // Datagrams a VM may send per tick; past it net.send waits for the next tick.
    std::uint32_t datagrams_per_tick = 64;
    // The largest datagram, and the datagrams and bytes waiting in one VM's
    // queue for net.recv; one arriving at a full queue is dropped and counted
    // (NetStats::datagrams_dropped), as a real network drops it.
    std::size_t datagram_bytes = std::size_t{8} << 10;
    std::uint32_t datagram_queue = 128;
    std::size_t datagram_queue_bytes = std::size_t{256} << 10;
};

struct NetworkOptions {
    NetLimits limits{};
};

// A connection being opened, or one datagram, as the policy sees it.
struct NetFlow {
    bool datagram = false;  // a datagram; otherwise a connection being opened
    NetAddress src_ip = 0;
    std::uint16_t src_port = 0;
    NetAddress dst_ip = 0;
    std::uint16_t dst_port = 0;
};

enum class NetAction : std::uint8_t {
    Allow,
    Reject,  // the connector hears "refused" at once; a datagram is dropped
    Drop,    // nothing comes back: the connector times out
};

struct NetVerdict {
    NetAction action = NetAction::Allow;
    // Ticks added to the delivery of every packet of the connection (both
    // ways), or of the datagram.
    std::uint32_t latency_ticks = 0;
};

// The game's rules (routers, firewalls, NAT). decide() is called once per
// connection, when it is opened, and once per datagram, on the thread that
// ticks the cluster while no worker runs: it needs no locks, and it is on the
// hot path. It may rewrite the flow's addresses and ports (NAT: the receiver
// sees the rewritten source; a rewritten destination is where the packet
// goes). Every packet of an allowed connection follows its verdict.
class NetPolicy {
public:
    virtual NetVerdict decide(NetFlow& flow) = 0;

protected:
    ~NetPolicy() = default;
};

struct NetStats {
    std::uint64_t packets_routed = 0;
    std::uint64_t connections_refused = 0;      // no listener, its limit, or the policy
    std::uint64_t connections_unreachable = 0;  // no VM has the address
    std::uint64_t datagrams_dropped = 0;        // no VM, a full queue, or the policy
    std::uint64_t packets_dropped = 0;          // the policy's Drop, or a closed connection's
};

// The routing between VMs: every VM's packets leave through its shard's
// outbox during a tick, and the cluster routes them all after the tick, with
// every worker idle (Cluster::tick). A packet sent in tick T is read in tick
// T + 1 + the policy's latency, on whichever shard or thread the receiver is.
class Network {
public:
    explicit Network(NetworkOptions options = {});
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // Gives `vm` these addresses in place of its old ones (none: it leaves the
    // network, its open connections stay). False, and nothing changes, if
    // another VM has one of them. Call between ticks.
    bool set_addresses(VirtualMachine& vm, const std::vector<NetAddress>& addresses);
    std::vector<NetAddress> addresses(VirtualMachine& vm) const;
    // The name service: net.resolve(name) gives these addresses; none removes the name.
    void set_name(std::string name, std::vector<NetAddress> addresses);
    // The game's rules; null (the default) lets every VM reach every other.
    // The host keeps the policy alive while it is installed.
    void set_policy(NetPolicy* policy);
    const NetLimits& limits() const;
    const NetStats& stats() const;

    // Engine internals (src/cluster): the shards' outboxes, routed after every tick.
    NetLink& link_for(Runtime& runtime);
    void route();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace luaos
