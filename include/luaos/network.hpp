#pragma once
// The network between a cluster's VMs (docs/network.md): addresses, a name
// service, the game's rules for who reaches whom, and the limits a hostile
// script runs into. Scripts use it through the `net` library; the host
// configures it through Cluster::network(). Its vocabulary, which the VMs'
// endpoints (src/net) use too, is in net_address.hpp, net_limits.hpp and
// net_policy.hpp.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "luaos/net_address.hpp"
#include "luaos/net_limits.hpp"
#include "luaos/net_policy.hpp"
#include "luaos/net_remote.hpp"

namespace luaos {

class VirtualMachine;
class Runtime;
struct NetLink;

struct NetworkOptions {
    NetLimits limits{};
};

struct NetStats {
    std::uint64_t packets_routed = 0;
    std::uint64_t connections_refused = 0;      // no listener, its limit, or the policy
    std::uint64_t connections_unreachable = 0;  // no VM has the address
    std::uint64_t datagrams_dropped = 0;        // no VM, a full queue, or the policy
    std::uint64_t packets_dropped = 0;          // the policy's Drop, or a closed connection's
    std::uint64_t remote_out = 0;               // packets given to take_remote()
    std::uint64_t remote_in = 0;                // packets from deliver_remote()
};

// The routing between VMs: every VM's packets leave through its shard's
// outbox during a tick, and the cluster routes them all after the tick, with
// every worker idle (Cluster::tick). A packet sent in tick T is read in tick
// T + 1 + the policy's latency, on whichever shard or thread the receiver is.
class Network {
public:
    // Throws std::invalid_argument if a limit is out of its range
    // (NetLimits::source_share_percent outside 1..100).
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

    // Across clusters (luaos/net_remote.hpp; `luaos serve` carries the
    // packets over NATS, docs/serve.md). With remote routing on, a connection
    // opened or a datagram sent to an address no VM here has, and whatever
    // is said on a connection whose other end is elsewhere, leaves by the
    // remote outbox rather than being unreachable. All of these are for the
    // thread that ticks the cluster, between ticks.
    void set_remote_routing(bool on);
    // Told when an address becomes one of this cluster's VMs' (held) or stops being one.
    using AddressObserver = std::function<void(NetAddress address, bool held)>;
    void set_address_observer(AddressObserver observer);
    // The packets for other clusters routed since the last call, in the order sent.
    std::vector<RemotePacket> take_remote();
    // A packet from another cluster, delivered now (the sender's policy and
    // latency were applied where it was sent); what it answers goes to the
    // remote outbox after the next tick, as a local packet's would.
    void deliver_remote(RemotePacket packet);
    // A packet from take_remote() that nobody could receive (no cluster holds
    // its address): its sender's connection fails, as unreachable while it
    // connects, closed once open.
    void remote_undeliverable(std::uint32_t from_endpoint, std::uint32_t from_handle);

private:
    friend class Cluster;
    // The outbox of the shards of `runtime`, routed after every tick by route().
    NetLink& link_for(Runtime& runtime);
    void route();

    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace luaos
