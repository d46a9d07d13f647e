#pragma once
// The network between a cluster's VMs (docs/network.md): addresses, a name
// service, the game's rules for who reaches whom, and the limits a hostile
// script runs into. Scripts use it through the `net` library; the host
// configures it through Cluster::network(). Its vocabulary, which the VMs'
// endpoints (src/net) use too, is in net_address.hpp, net_limits.hpp and
// net_policy.hpp.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "luaos/net_address.hpp"
#include "luaos/net_limits.hpp"
#include "luaos/net_policy.hpp"

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

private:
    friend class Cluster;
    // The outbox of the shards of `runtime`, routed after every tick by route().
    NetLink& link_for(Runtime& runtime);
    void route();

    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace luaos
