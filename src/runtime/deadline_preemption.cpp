// The default mode: scripts run with no hook at all until the watchdog finds
// their slice overdue (runtime/watchdog.hpp); only then is the hook set.

#include <lua.hpp>

#include "runtime/preemption.hpp"
#include "runtime/watchdog.hpp"

namespace luaos {
namespace {

// Once a slice is overdue and its process cannot yield (it is behind a C call
// boundary), the hook keeps firing every this many instructions to charge
// them against the CPU budget.
constexpr int kBudgetStride = 1000;

class DeadlinePreemption final : public Preemption {
public:
    explicit DeadlinePreemption(std::uint32_t time_slice_us) {
        slice_.time_slice_us = time_slice_us;
        watchdog_watch(&slice_);
    }
    ~DeadlinePreemption() override { watchdog_unwatch(&slice_); }
    DeadlinePreemption(const DeadlinePreemption&) = delete;
    DeadlinePreemption& operator=(const DeadlinePreemption&) = delete;

    void arm(lua_State* thread) override { watchdog_begin_slice(&slice_, thread); }

    // A script that enters a coroutine after its slice expired must be
    // stopped there: the signal set the hook on the thread it left.
    void switch_thread(lua_State* thread) override {
        slice_.thread.store(thread, std::memory_order_relaxed);
        if (slice_.running_expired()) lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, 1);
    }

    // A hook left on the thread would fire again in its next slice.
    void disarm(lua_State* thread) override {
        watchdog_end_slice(&slice_);
        if (thread != nullptr && lua_gethook(thread) != nullptr) lua_sethook(thread, nullptr, 0, 0);
    }

    std::uint64_t hook_fired(lua_State* thread) override {
        if (!slice_.running_expired()) return 0;
        const int count = lua_gethookcount(thread);
        if (count != 1) return static_cast<std::uint64_t>(count);
        // The first firing since the deadline. A process that can yield is
        // about to, and disarm() clears the hook; re-setting it would cost a
        // walk of the call chain (lua_sethook's), long in a deep recursion.
        if (lua_isyieldable(thread)) return 1;
        // One that cannot runs on: from here on count instructions against
        // its CPU budget.
        lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, kBudgetStride);
        return 1;
    }

private:
    WatchedSlice slice_;
};

}  // namespace

std::unique_ptr<Preemption> make_deadline_preemption(std::uint32_t time_slice_us) {
    return std::make_unique<DeadlinePreemption>(time_slice_us);
}

}  // namespace luaos
