#include "service/vm_subscriptions.hpp"

#include <utility>

#include "service/shared_subjects.hpp"

namespace luaos::service {

VmSubscriptions::VmSubscriptions(NatsLink& link, const Subjects& subjects, Deliver deliver)
    : link_(link), subjects_(subjects), deliver_(std::move(deliver)) {}

void VmSubscriptions::open(VmId vm, const std::string& uuid) {
    if (listeners_.contains(vm)) return;
    const Subjects& subjects = subjects_;
    const Deliver& deliver = deliver_;
    listeners_.emplace(vm, link_.listen(vm_anywhere_subject(uuid), "", [&subjects, &deliver, vm](const NatsMessage& message) {
        deliver(node_subject_for(subjects, vm, message.subject), message);
    }));
}

void VmSubscriptions::close(VmId vm) {
    const auto found = listeners_.find(vm);
    if (found == listeners_.end()) return;
    link_.stop_listening(found->second);
    listeners_.erase(found);
}

}  // namespace luaos::service
