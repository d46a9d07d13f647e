#pragma once
// The VMs of other clusters that this cluster's connections talk to.
//
// Inside a cluster a connection's packets go by endpoint number. A VM on
// another cluster (another `luaos serve` node) has a number there that means
// nothing here, so the network gives each such endpoint (its address and its
// number there) a stand-in number of its own, from the same counter as the
// local endpoints': the local side of a connection keeps it as its peer's
// endpoint, unaware, and the router sends whatever is addressed to a stand-in
// to the remote outbox (luaos/net_remote.hpp), with the address and the
// number it stands for. Stand-ins are kept for the network's life (one per
// remote endpoint ever talked to: 16 bytes each, twice).

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "luaos/net_address.hpp"
#include "luaos/net_remote.hpp"
#include "net/packet.hpp"

namespace luaos {

struct RemoteEndpoint {
    NetAddress address = 0;
    std::uint32_t endpoint = 0;
};

class RemotePeers {
public:
    // The stand-in for `remote`, made with `next` (and `next` moved on) the first time.
    std::uint32_t stand_in(RemoteEndpoint remote, std::uint32_t& next);
    // What the stand-in `id` stands for, if it is one.
    std::optional<RemoteEndpoint> find(std::uint32_t id) const;

private:
    static std::uint64_t key(RemoteEndpoint remote) { return std::uint64_t{remote.address} << 32 | remote.endpoint; }
    std::unordered_map<std::uint64_t, std::uint32_t> by_remote_;
    std::unordered_map<std::uint32_t, RemoteEndpoint> by_id_;
};

// The kinds that cross clusters; EndpointGone never does.
std::optional<RemotePacket::Kind> remote_kind(PacketKind kind);
PacketKind packet_kind(RemotePacket::Kind kind);

}  // namespace luaos
