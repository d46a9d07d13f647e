#include "service/request_queue.hpp"

#include <utility>

namespace luaos::service {

Admission RequestQueue::push(Request& request) {
    std::lock_guard lock(mutex_);
    if (closed_) return Admission::Closed;
    if (requests_.size() >= capacity_) return Admission::Full;
    requests_.push_back(std::move(request));
    return Admission::Queued;
}

std::vector<Request> RequestQueue::take_all() {
    std::vector<Request> taken;
    std::lock_guard lock(mutex_);
    taken.swap(requests_);
    return taken;
}

void RequestQueue::close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
}

}  // namespace luaos::service
