// The default mode: scripts run with no hook at all until the watchdog finds
// their slice overdue (runtime/watchdog.hpp); only then is the hook set.
//
// A slice that cannot yield when it is overdue (it is behind a C call
// boundary) runs on, on its CPU budget, sometimes for several slices' worth.
// So that this does not turn into an unfair share, the watchdog measures the
// CPU time it used after it expired, beyond half a slice: time it certainly
// overran by. The process owes that, and repays each whole slice's worth by
// sitting out a turn. A slice ended on time owes nothing.
//
// A late watchdog matters most at the end of a frame: the slice that runs
// past the frame budget makes the whole tick late, and a timer's signal on a
// busy or virtual machine can come hundreds of microseconds late, sometimes
// milliseconds. So a slice that may end past the frame budget (the shard says
// which) is also watched from inside: it runs with a count hook that reads
// the clock every kBackstopStride instructions and ends the slice once its
// length has passed by the wall clock, the frame's clock. The hook makes that
// slice about twice as slow (every instruction goes through Lua's hook
// trap), which only the last slice or so of an overloaded frame pays.

#include <algorithm>
#include <lua.hpp>

#include "runtime/preemption.hpp"
#include "runtime/steady_clock.hpp"
#include "runtime/watchdog.hpp"

namespace luaos {
namespace {

// Once a slice is overdue and its process cannot yield (it is behind a C call
// boundary), the hook keeps firing every this many instructions to charge
// them against the CPU budget.
constexpr int kBudgetStride = 1000;
// An overrun counts up to this many slices' worth: a process that ran long
// once (on its CPU budget, behind a C call) is not shut out for long after.
constexpr std::uint64_t kMaxOverrunSlices = 100;
// A slice that ends the frame reads the clock every this many instructions:
// a few microseconds apart, and a clock read costs about 20 ns.
constexpr int kBackstopStride = 1000;

class DeadlinePreemption final : public Preemption {
public:
    explicit DeadlinePreemption(std::uint32_t time_slice_us)
        : length_ns_(std::uint64_t{time_slice_us} * 1000), max_overrun_ns_(kMaxOverrunSlices * length_ns_) {
        slice_.time_slice_us = time_slice_us;
    }
    DeadlinePreemption(const DeadlinePreemption&) = delete;
    DeadlinePreemption& operator=(const DeadlinePreemption&) = delete;

    bool skip_turn(std::uint64_t& debt_ns) override {
        if (debt_ns < length_ns_) return false;
        debt_ns -= length_ns_;
        return true;
    }

    void set_ends_frame(bool ends_frame) override { ends_frame_ = ends_frame; }

    void arm(lua_State* thread) override {
        watchdog_begin_slice(&slice_, thread);
        if (!ends_frame_) return;
        backstop_end_ns_ = steady_clock_ns() + length_ns_;
        lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, kBackstopStride);
    }

    // A script that enters a coroutine after its slice expired must be
    // stopped there: the signal's handler set the hook on the thread it left. A slice
    // watched from inside is watched in its coroutines too.
    void switch_thread(lua_State* thread) override {
        slice_.thread.store(thread, std::memory_order_relaxed);
        if (expired()) {
            lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, 1);
        } else if (backstop_end_ns_ != 0) {
            lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, kBackstopStride);
        }
    }

    // A hook left on the thread would fire again in its next slice.
    std::uint64_t disarm(lua_State* thread) override {
        const std::uint64_t overrun = std::min(watchdog_end_slice(&slice_), max_overrun_ns_);
        backstop_end_ns_ = 0;
        if (thread != nullptr && lua_gethook(thread) != nullptr) lua_sethook(thread, nullptr, 0, 0);
        return overrun;
    }

    std::uint64_t hook_fired(lua_State* thread) override {
        if (!expired()) {
            if (backstop_end_ns_ == 0) {
                lua_sethook(thread, nullptr, 0, 0);  // a leftover of an earlier slice
            } else if (lua_gethookcount(thread) != kBackstopStride) {
                // A leftover firing every instruction, on a coroutine the
                // script entered: back to reading the clock now and then.
                lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, kBackstopStride);
            }
            return 0;
        }
        // A hook counting in strides (the CPU budget's, or the frame end's
        // clock reads) charges the instructions of a stride.
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
    // Over, by the watchdog's word or by the slice's own clock.
    bool expired() const {
        if (slice_.running_expired()) return true;
        return backstop_end_ns_ != 0 && steady_clock_ns() >= backstop_end_ns_;
    }

    WatchedSlice slice_;
    bool ends_frame_ = false;
    std::uint64_t backstop_end_ns_ = 0;  // when a slice watched from inside ends; 0 for none
    const std::uint64_t length_ns_;
    const std::uint64_t max_overrun_ns_;
};

}  // namespace

std::unique_ptr<Preemption> make_deadline_preemption(std::uint32_t time_slice_us) {
    return std::make_unique<DeadlinePreemption>(time_slice_us);
}

}  // namespace luaos
