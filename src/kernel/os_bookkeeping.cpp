#include "kernel/os_bookkeeping.hpp"

#include <algorithm>

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

void OsBookkeeping::remember_exit(const RecentExit& exit) {
    OsRecords& kept = ensure_records();
    if (kept.recent.size() < Os::kRecentExits) {
        kept.recent.push_back(exit);
        return;
    }
    kept.recent[kept.recent_next] = exit;
    kept.recent_next = (kept.recent_next + 1) % kept.recent.size();
}

const RecentExit* OsBookkeeping::recent_exit(Pid pid) const {
    if (!records) return nullptr;
    for (const RecentExit& exit : records->recent) {
        if (exit.pid == pid) return &exit;
    }
    return nullptr;
}

}  // namespace luaos
