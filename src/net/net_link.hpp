#pragma once
// What the endpoints of one shard share with the network: the outbox their
// packets leave by, and what they read of the network while they run.
//
// Only the thread ticking the shard writes the outbox during a tick, and the
// network takes it only between ticks, with every worker idle: neither needs
// a lock. The name service and the limits are written only between ticks
// too, and only read during them.

#include <cstdint>
#include <vector>

#include "luaos/net_limits.hpp"
#include "net/name_service.hpp"
#include "net/packet.hpp"

namespace luaos {

struct NetLink {
    std::vector<Packet> outbox;
    const NameService* names = nullptr;
    const NetLimits* limits = nullptr;
};

}  // namespace luaos
