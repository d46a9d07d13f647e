#pragma once
// Every VM of a node reachable wherever its requester is: the node that
// holds a VM subscribes to luaos.vm.<uuid>.> for it (shared_subjects.hpp),
// from the tick it is created to the tick it leaves, and answers what comes
// there as if it had come on its own luaos.<node>.vm.<vm>.<op>.
//
// Only the holder subscribes, so the broker routes each request straight to
// it (no node forwards anything, no lookup table is kept anywhere), and a
// request for a VM that no node holds hears "no responders" at once. This
// is the NATS documentation's advice for subjects: the id where it routes.

#include <functional>
#include <string>
#include <unordered_map>

#include "service/nats_link.hpp"
#include "service/subjects.hpp"

namespace luaos::service {

class VmSubscriptions {
public:
    // `deliver` receives each request on luaos.vm.<uuid>.<op>, with the
    // subject it stands for (luaos.<node>.vm.<vm>.<op>), on the client's thread.
    using Deliver = std::function<void(const std::string& subject, const NatsMessage& message)>;
    VmSubscriptions(NatsLink& link, const Subjects& subjects, Deliver deliver);
    VmSubscriptions(const VmSubscriptions&) = delete;
    VmSubscriptions& operator=(const VmSubscriptions&) = delete;

    // On the tick thread.
    void open(VmId vm, const std::string& uuid);
    void close(VmId vm);
    std::size_t size() const { return listeners_.size(); }

private:
    NatsLink& link_;
    const Subjects& subjects_;
    Deliver deliver_;
    std::unordered_map<VmId, NatsLink::ListenerId> listeners_;
};

}  // namespace luaos::service
