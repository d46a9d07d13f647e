#include "net/remote_peers.hpp"

namespace luaos {

std::uint32_t RemotePeers::stand_in(RemoteEndpoint remote, std::uint32_t& next) {
    auto [found, made] = by_remote_.try_emplace(key(remote), next);
    if (made) {
        by_id_[next] = remote;
        ++next;
    }
    return found->second;
}

std::optional<RemoteEndpoint> RemotePeers::find(std::uint32_t id) const {
    auto found = by_id_.find(id);
    if (found == by_id_.end()) return std::nullopt;
    return found->second;
}

std::optional<RemotePacket::Kind> remote_kind(PacketKind kind) {
    using Kind = RemotePacket::Kind;
    switch (kind) {
        case PacketKind::Connect: return Kind::Connect;
        case PacketKind::Accepted: return Kind::Accepted;
        case PacketKind::Refused: return Kind::Refused;
        case PacketKind::Unreachable: return Kind::Unreachable;
        case PacketKind::Data: return Kind::Data;
        case PacketKind::Credit: return Kind::Credit;
        case PacketKind::Close: return Kind::Close;
        case PacketKind::Datagram: return Kind::Datagram;
        case PacketKind::EndpointGone: return std::nullopt;
    }
    return std::nullopt;
}

PacketKind packet_kind(RemotePacket::Kind kind) {
    using Kind = RemotePacket::Kind;
    switch (kind) {
        case Kind::Connect: return PacketKind::Connect;
        case Kind::Accepted: return PacketKind::Accepted;
        case Kind::Refused: return PacketKind::Refused;
        case Kind::Unreachable: return PacketKind::Unreachable;
        case Kind::Data: return PacketKind::Data;
        case Kind::Credit: return PacketKind::Credit;
        case Kind::Close: return PacketKind::Close;
        case Kind::Datagram: return PacketKind::Datagram;
    }
    return PacketKind::Close;
}

}  // namespace luaos
