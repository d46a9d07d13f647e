#include "service/liveness.hpp"

#include <utility>

namespace luaos::service {

Liveness::Liveness(std::string self, HeartbeatOptions options, Clock::time_point now)
    : self_(std::move(self)), options_(options), next_beat_(now) {}

void Liveness::heard(std::string_view node, std::string_view event, std::chrono::milliseconds interval,
                     Clock::time_point now) {
    if (node == self_) return;
    std::lock_guard lock(mutex_);
    const auto found = peers_.find(node);
    if (event == "stopped") {
        if (found != peers_.end()) peers_.erase(found);
        return;
    }
    // Anything a peer says shows it alive; a peer that has not said how often
    // it beats is given this node's interval.
    if (interval.count() <= 0) interval = found != peers_.end() ? found->second.interval : options_.interval;
    if (found != peers_.end()) {
        found->second = Peer{now, interval};
    } else {
        peers_.emplace(std::string(node), Peer{now, interval});
    }
}

bool Liveness::beat_due(Clock::time_point now) {
    if (now < next_beat_) return false;
    next_beat_ = now + options_.interval;
    return true;
}

std::vector<LostPeer> Liveness::take_lost(Clock::time_point now) {
    std::vector<LostPeer> lost;
    std::lock_guard lock(mutex_);
    for (auto peer = peers_.begin(); peer != peers_.end();) {
        const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(now - peer->second.last_heard);
        if (silent > peer->second.interval * options_.missed_beats) {
            lost.push_back(LostPeer{peer->first, silent});
            peer = peers_.erase(peer);
        } else {
            ++peer;
        }
    }
    return lost;
}

std::vector<std::string> Liveness::peers() const {
    std::vector<std::string> names;
    std::lock_guard lock(mutex_);
    for (const auto& [name, peer] : peers_) names.push_back(name);
    return names;
}

}  // namespace luaos::service
