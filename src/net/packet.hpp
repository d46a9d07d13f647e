#pragma once
// What travels between two VMs' endpoints (src/net/endpoint.hpp): one packet
// of a connection's handshake, its data or its flow control, or a datagram.

#include <cstdint>
#include <string>

#include "luaos/net_address.hpp"
#include "luaos/net_policy.hpp"

namespace luaos {

enum class PacketKind : std::uint8_t {
    Connect,      // to an address and port: open a connection (src_handle is the connector's)
    Accepted,     // to the connector: the listener's VM took it (src_handle is the listener side's)
    Refused,      // to the connector: no listener, a limit, or the policy
    Unreachable,  // to the connector: no VM has the address
    Data,         // one message of a connection
    Credit,       // to a sender: `amount` more bytes were read, send them again
    Close,        // the other end closed, ended or was destroyed
    Datagram,     // to an address and port
    EndpointGone, // to the router only: the VM of src_endpoint is being destroyed
};

struct Packet {
    PacketKind kind = PacketKind::Data;
    std::uint32_t latency_ticks = 0;  // the connection's or the datagram's (NetVerdict)
    bool delayed = false;             // its latency was already served
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    NetAddress src_ip = 0;
    NetAddress dst_ip = 0;
    // Endpoints are numbered by the network; handles by each endpoint.
    // Connect and Datagram go by address (dst_endpoint 0), the rest by number.
    std::uint32_t src_endpoint = 0;
    std::uint32_t src_handle = 0;
    std::uint32_t dst_endpoint = 0;
    std::uint32_t dst_handle = 0;
    std::uint64_t amount = 0;  // Credit's bytes
    std::string data;
};

}  // namespace luaos
