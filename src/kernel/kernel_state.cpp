#include "kernel/kernel_state.hpp"

#include <algorithm>

namespace luaos {
namespace {

// std::*_heap build a max-heap: "later" ranks lower, so the earliest is on top.
bool later(const Timer& a, const Timer& b) { return a.tick > b.tick; }

}  // namespace

void OsKernel::add_timer(std::uint64_t tick, Pid pid, std::uint32_t generation) {
    timers.push_back({tick, pid, generation});
    std::push_heap(timers.begin(), timers.end(), later);
    ++live_timers;
}

bool OsKernel::pop_due(std::uint64_t now, Timer& timer) {
    if (timers.empty() || timers.front().tick > now) return false;
    std::pop_heap(timers.begin(), timers.end(), later);
    timer = timers.back();
    timers.pop_back();
    return true;
}

void OsKernel::timer_went_stale() {
    if (live_timers > 0) --live_timers;
}

void OsKernel::remember_exit(const RecentExit& exit) {
    if (recent.size() < Os::kRecentExits) {
        recent.push_back(exit);
        return;
    }
    recent[recent_next] = exit;
    recent_next = (recent_next + 1) % recent.size();
}

const RecentExit* OsKernel::recent_exit(Pid pid) const {
    for (const RecentExit& exit : recent) {
        if (exit.pid == pid) return &exit;
    }
    return nullptr;
}

}  // namespace luaos
