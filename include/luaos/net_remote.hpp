#pragma once
// A packet between a VM of this cluster and a VM that another cluster holds
// (another `luaos serve` node): what Network::take_remote() gives the host to
// carry, and what it hands back with Network::deliver_remote() on the other
// side. The host carries it as it likes (docs/serve.md: over NATS); the
// network only needs it delivered whole, in the order taken, per receiver.
//
// A VM across clusters is named by its address (the one it was reached by,
// or the first of its own) and, once a connection is open, by the number of
// its endpoint there: an address given to a new VM does not take the old
// one's connections.

#include <cstdint>
#include <string>

#include "luaos/net_address.hpp"

namespace luaos {

struct RemotePacket {
    enum class Kind : std::uint8_t { Connect, Accepted, Refused, Unreachable, Data, Credit, Close, Datagram };
    Kind kind = Kind::Data;
    NetAddress to = 0;                // the receiving VM's address: where the packet goes
    std::uint32_t to_endpoint = 0;    // its endpoint there (0 for Connect and Datagram)
    std::uint32_t to_handle = 0;      // its connection
    NetAddress from = 0;              // the sending VM's address: where answers go (0: none can)
    std::uint32_t from_endpoint = 0;
    std::uint32_t from_handle = 0;
    NetAddress src_ip = 0;            // Connect and Datagram: as the receiver sees them
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t latency_ticks = 0;  // Connect, Accepted: the connection's (served by the sender's node)
    std::uint64_t amount = 0;         // Credit's bytes
    std::string data;                 // Data's message, Datagram's payload
};

}  // namespace luaos
