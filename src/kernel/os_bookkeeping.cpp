#include "kernel/os_bookkeeping.hpp"

#include <algorithm>
#include <string>

namespace luaos {
namespace {

// std::*_heap build a max-heap: "later" ranks lower, so the earliest is on top.
bool later(const Timer& a, const Timer& b) { return a.tick > b.tick; }

}  // namespace

void OsBookkeeping::add_timer(std::uint64_t tick, Pid pid, std::uint32_t generation) {
    timers.push_back({tick, pid, generation});
    std::push_heap(timers.begin(), timers.end(), later);
    ++live_timers;
}

bool OsBookkeeping::pop_due(std::uint64_t now, Timer& timer) {
    if (timers.empty() || timers.front().tick > now) return false;
    std::pop_heap(timers.begin(), timers.end(), later);
    timer = timers.back();
    timers.pop_back();
    return true;
}

void OsBookkeeping::timer_went_stale() {
    if (live_timers > 0) --live_timers;
}

void OsBookkeeping::remember_exit(RecentExit exit, std::size_t output_limit) {
    OsRecords& kept = ensure_records();
    kept.recent_output_bytes += exit.output.size();
    if (kept.recent.size() < Os::kRecentExits) {
        kept.recent.push_back(std::move(exit));
    } else {
        RecentExit& forgotten = kept.recent[kept.recent_next];
        kept.recent_output_bytes -= forgotten.output.size();
        forgotten = std::move(exit);
        kept.recent_next = (kept.recent_next + 1) % kept.recent.size();
    }
    // Oldest first: the ring's next slot is its oldest once it is full.
    const std::size_t count = kept.recent.size();
    const std::size_t oldest = count < Os::kRecentExits ? 0 : kept.recent_next;
    for (std::size_t i = 0; i < count && kept.recent_output_bytes > output_limit; ++i) {
        RecentExit& dropping = kept.recent[(oldest + i) % count];
        kept.recent_output_bytes -= dropping.output.size();
        dropping.output_dropped += dropping.output.size();
        dropping.output.clear();
        dropping.output.shrink_to_fit();
    }
}

std::optional<std::string> OsBookkeeping::take_exit_output(Pid pid, std::size_t output_limit) {
    if (!records) return std::nullopt;
    for (RecentExit& exit : records->recent) {
        if (exit.pid != pid) continue;
        records->recent_output_bytes -= exit.output.size();
        std::string taken;
        if (exit.output_dropped != 0) {
            taken = "[luaos: " + std::to_string(exit.output_dropped) + " bytes of output dropped: a VM keeps at most " +
                    std::to_string(output_limit) + " bytes of its ended processes' output]\n";
            exit.output_dropped = 0;
        }
        taken += exit.output;
        exit.output.clear();
        return taken;
    }
    return std::nullopt;
}

const RecentExit* OsBookkeeping::recent_exit(Pid pid) const {
    if (!records) return nullptr;
    for (const RecentExit& exit : records->recent) {
        if (exit.pid == pid) return &exit;
    }
    return nullptr;
}

}  // namespace luaos
