#include "service/net_wire.hpp"

#include <cstdint>

namespace luaos::service {
namespace {

template <typename T>
void put(std::string& out, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

template <typename T>
T take(std::string_view& in) {
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(static_cast<unsigned char>(in[i])) << (8 * i);
    in.remove_prefix(sizeof(T));
    return value;
}

}  // namespace

std::string encode_packet(const RemotePacket& packet) {
    std::string out;
    out.reserve(kNetWireHeader + packet.data.size());
    out.push_back(static_cast<char>(packet.kind));
    put(out, packet.latency_ticks);
    put(out, packet.to);
    put(out, packet.to_endpoint);
    put(out, packet.to_handle);
    put(out, packet.from);
    put(out, packet.from_endpoint);
    put(out, packet.from_handle);
    put(out, packet.src_ip);
    put(out, packet.src_port);
    put(out, packet.dst_port);
    put(out, packet.amount);
    out += packet.data;
    return out;
}

std::optional<RemotePacket> decode_packet(std::string_view body) {
    if (body.size() < kNetWireHeader) return std::nullopt;
    const auto kind = static_cast<std::uint8_t>(body.front());
    if (kind > static_cast<std::uint8_t>(RemotePacket::Kind::Datagram)) return std::nullopt;
    body.remove_prefix(1);
    RemotePacket packet;
    packet.kind = static_cast<RemotePacket::Kind>(kind);
    packet.latency_ticks = take<std::uint32_t>(body);
    packet.to = take<NetAddress>(body);
    packet.to_endpoint = take<std::uint32_t>(body);
    packet.to_handle = take<std::uint32_t>(body);
    packet.from = take<NetAddress>(body);
    packet.from_endpoint = take<std::uint32_t>(body);
    packet.from_handle = take<std::uint32_t>(body);
    packet.src_ip = take<NetAddress>(body);
    packet.src_port = take<std::uint16_t>(body);
    packet.dst_port = take<std::uint16_t>(body);
    packet.amount = take<std::uint64_t>(body);
    packet.data.assign(body);
    return packet;
}

bool is_datagram(std::string_view body) {
    return body.size() >= kNetWireHeader &&
           static_cast<std::uint8_t>(body.front()) == static_cast<std::uint8_t>(RemotePacket::Kind::Datagram);
}

std::string net_subject(NetAddress address) { return "luaos.net." + format_net_address(address); }

}  // namespace luaos::service
