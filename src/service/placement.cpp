#include "service/placement.hpp"

#include <string>
#include <utility>

#include "service/shared_subjects.hpp"

namespace luaos::service {

Placement::Placement(NatsLink& link, NatsLink::Handler on_create) : link_(link), on_create_(std::move(on_create)) {
    update(true);
}

void Placement::update(bool has_room) {
    if (has_room == member()) return;
    if (has_room) {
        membership_ = link_.listen(std::string(kAnyCreateSubject), std::string(kPlacementGroup), on_create_);
    } else {
        link_.stop_listening(*membership_);
        membership_.reset();
    }
}

}  // namespace luaos::service
