#pragma once
// Liveness: every node beats, and every node notices a peer that stopped.
//
// Each node publishes a heartbeat on its own luaos.<node>.events every
// interval (1 s by default, --heartbeat-ms), saying how often it beats. Each
// node also listens to every node's events (luaos.*.events) and keeps, per
// peer, when it was last heard from and its interval. A peer silent for
// `missed_beats` of its own intervals (3 by default) is taken for dead: the
// node says `node_lost` on its own events subject, once, and forgets it
// (should the peer beat again, it is a peer again). A peer that stops
// cleanly says `stopped`, and is forgotten without being reported lost.
//
// So a node killed outright (kill -9, a crash, a cut cable) is reported by
// every node still alive within missed_beats intervals plus one tick of
// theirs (docs/serve.md, "Liveness"); a client wanting one report watches
// one node, or takes the first. A node cannot tell a dead peer from one cut
// off from the broker: both stop beating, and both are lost; a node that
// comes back after being cut off beats again and says nothing of its own.
//
// Heard on the client's thread (heard()), read on the tick thread (the
// rest): the peers' table has a mutex.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace luaos::service {

struct HeartbeatOptions {
    std::chrono::milliseconds interval{1000};
    // Intervals of silence after which a peer is reported lost.
    std::uint32_t missed_beats = 3;
};

// A peer reported lost: its name, and how long it had been silent.
struct LostPeer {
    std::string node;
    std::chrono::milliseconds silent{0};
};

class Liveness {
public:
    using Clock = std::chrono::steady_clock;

    // `self` is the node's own name: its own events are not a peer's.
    Liveness(std::string self, HeartbeatOptions options, Clock::time_point now);

    // Any thread: `event` (a node event's JSON text) arrived from `node`.
    void heard(std::string_view node, std::string_view event, std::chrono::milliseconds interval,
               Clock::time_point now);
    // Tick thread: whether a heartbeat is due now (then the next one is
    // counted from `now`).
    bool beat_due(Clock::time_point now);
    // Tick thread: the peers silent too long, forgotten from here on.
    std::vector<LostPeer> take_lost(Clock::time_point now);
    // The peers heard from and not lost, by name.
    std::vector<std::string> peers() const;
    const HeartbeatOptions& options() const { return options_; }

private:
    struct Peer {
        Clock::time_point last_heard;
        std::chrono::milliseconds interval;
    };

    std::string self_;
    HeartbeatOptions options_;
    Clock::time_point next_beat_;
    mutable std::mutex mutex_;
    std::map<std::string, Peer, std::less<>> peers_;
};

}  // namespace luaos::service
