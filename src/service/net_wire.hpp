#pragma once
// A packet between VMs on two nodes (luaos/net_remote.hpp) as it travels in
// a NATS message's body: a fixed 45-byte header, little-endian (kind,
// latency, to, to_endpoint, to_handle, from, from_endpoint, from_handle,
// src_ip, src_port, dst_port, amount), then the data. Nodes of one cluster
// run the same build, so there is no version field; a body that is not one
// is refused whole.

#include <optional>
#include <string>
#include <string_view>

#include "luaos/net_remote.hpp"

namespace luaos::service {

inline constexpr std::size_t kNetWireHeader = 45;

std::string encode_packet(const RemotePacket& packet);
std::optional<RemotePacket> decode_packet(std::string_view body);
// Whether `body` is a datagram's packet (read from its first byte only).
bool is_datagram(std::string_view body);

// `luaos.net.<address>`: where the packets for the VM holding `address` go.
std::string net_subject(NetAddress address);

}  // namespace luaos::service
