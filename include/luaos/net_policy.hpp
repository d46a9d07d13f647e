#pragma once
// The game's rules for who reaches whom on the network: the host's NetPolicy
// decides each connection and datagram (docs/network.md).

#include <cstdint>

#include "luaos/net_address.hpp"

namespace luaos {

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

}  // namespace luaos
