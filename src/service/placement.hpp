#pragma once
// Placement: which node takes a create sent to luaos.any.vm.create.
//
// The nodes with room form a NATS queue group on that subject: the server
// gives each request to exactly one member, picked at random, so creates
// spread evenly over the nodes without a coordinator, without any node
// knowing the others, and without a round of `stats` requests whose answers
// are stale by the time they are used (several game servers placing "on
// the least loaded node" at once would all pick the same one). A node that
// reaches its VM limit (--max-vms) leaves the group, and joins it again when
// a VM of its leaves: the server then never offers a create to a full node,
// and when every node is full the requester hears "no responders" at once,
// the honest answer. A create that was already on its way to a node as it
// became full is refused with `limit`, like one sent to the node's own
// subject: the requester sends it again, and the server, which no longer
// counts the full node, gives it to another (docs/serve.md, "Placement").
//
// Joining and leaving happen on the tick thread, after the requests of a
// tick were answered and the VMs that left were counted.

#include <optional>

#include "service/nats_link.hpp"

namespace luaos::service {

class Placement {
public:
    // `on_create` receives each create the group gives this node (on the
    // client's thread). Joins at once.
    Placement(NatsLink& link, NatsLink::Handler on_create);
    Placement(const Placement&) = delete;
    Placement& operator=(const Placement&) = delete;

    // Joins or leaves the group: a member exactly while the node has room.
    void update(bool has_room);
    bool member() const { return membership_.has_value(); }

private:
    NatsLink& link_;
    NatsLink::Handler on_create_;
    std::optional<NatsLink::ListenerId> membership_;
};

}  // namespace luaos::service
