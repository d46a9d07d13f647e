#include "runtime/watchdog.hpp"

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <lua.hpp>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "runtime/preemption.hpp"

namespace luaos {
namespace {

constexpr int kSignal = SIGURG;
// Rounds without any slice running before the watchdog dozes.
constexpr int kIdleRoundsBeforeDozing = 8;

// The slice running on this thread, for the signal handler. Touched at the
// start of every slice, so it exists before any signal can look for it.
thread_local WatchedSlice* tls_slice = nullptr;

struct sigaction previous_action;

void chain_to_previous(int signal, siginfo_t* info, void* context) {
    if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
        if (previous_action.sa_sigaction != nullptr) previous_action.sa_sigaction(signal, info, context);
    } else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN &&
               previous_action.sa_handler != nullptr) {
        previous_action.sa_handler(signal);
    }
}

// Runs on the thread the slice runs on, between two of its instructions.
void on_signal(int signal, siginfo_t* info, void* context) {
    const int saved_errno = errno;
    WatchedSlice* slice = tls_slice;
    if (slice != nullptr && slice->running_expired()) {
        lua_State* thread = slice->thread.load(std::memory_order_relaxed);
        // lua_sethook walks the thread's whole call chain, so a deep
        // recursion makes it slow; were it repeated for every resent signal,
        // the handler could take the whole thread and the hook never fire.
        // The mask, not the hook function, says whether a hook is active:
        // lua_sethook(thread, nullptr, 0, 0) clears the function first and
        // the mask last, and a handler that interrupts it in between and
        // saw no function would leave a function with an empty mask behind,
        // which never fires and stops every later signal from setting it.
        if (thread != nullptr && lua_gethookmask(thread) == 0) {
            lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, 1);
        }
    } else {
        // Not for a slice of ours: a signal of the host's, if it has a handler.
        chain_to_previous(signal, info, context);
    }
    errno = saved_errno;
}

void install_signal_handler() {
    struct sigaction action {};
    action.sa_sigaction = on_signal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(kSignal, &action, &previous_action);
}

// A host thread may have the signal blocked; a thread that runs slices must not.
void unblock_signal_once() {
    thread_local bool unblocked = false;
    if (unblocked) return;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, kSignal);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    unblocked = true;
}

// The CPU time another thread of this process has used, from its kernel
// thread id (the per-thread CPU clock encoding of Linux's clock_gettime);
// -1 if it cannot be read, e.g. the thread is gone.
std::int64_t thread_cpu_ns(pid_t thread) {
    const clockid_t clock = static_cast<clockid_t>((~static_cast<unsigned>(thread) << 3) | 6);
    timespec now{};
    if (clock_gettime(clock, &now) != 0) return -1;
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

// A watchdog that waits for a CPU is late, and the slice it should end runs
// on: on a busy machine, by milliseconds. The lowest real-time priority lets
// it in at once; it runs a few microseconds per round, so it takes nothing
// from anyone. Only a host with CAP_SYS_NICE (or root) may grant it; without
// it the watchdog stays at normal priority and slices that overrun are repaid
// (runtime/deadline_preemption.cpp).
void ask_for_realtime_priority() {
    sched_param param{};
    param.sched_priority = sched_get_priority_min(SCHED_FIFO);
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
}

pid_t this_thread_id() {
    thread_local const pid_t id = static_cast<pid_t>(syscall(SYS_gettid));
    return id;
}

class Watchdog {
public:
    void watch(WatchedSlice* slice) {
        std::unique_lock lock(mutex_);
        slices_.push_back(slice);
        update_round();
        if (!thread_.joinable()) thread_ = std::thread([this, generation = generation_] { run(generation); });
    }

    void unwatch(WatchedSlice* slice) {
        std::thread finished;
        {
            std::unique_lock lock(mutex_);
            std::erase(slices_, slice);
            update_round();
            if (!slices_.empty()) return;
            // Only the thread of this generation stops, even if another
            // runtime starts a new one before it has seen the change.
            ++generation_;
            finished.swap(thread_);
        }
        wake_.notify_all();
        if (finished.joinable()) finished.join();
    }

    // Pairs with the seq_cst store of `dozing_` in run(): either this sees the
    // watchdog dozing, or the watchdog sees this slice running.
    void slice_began() {
        if (!dozing_.load(std::memory_order_seq_cst)) return;
        {
            std::lock_guard lock(mutex_);
            dozing_.store(false, std::memory_order_seq_cst);
        }
        wake_.notify_all();
    }

private:
    void update_round() {
        std::uint32_t shortest = 0;
        for (WatchedSlice* slice : slices_) {
            if (shortest == 0 || slice->time_slice_us < shortest) shortest = slice->time_slice_us;
        }
        round_ = std::chrono::microseconds(std::max<std::uint32_t>(shortest / 2, 1));
    }

    void run(std::uint64_t generation) {
        // Linux lets a sleeping thread oversleep by 50 us by default, a tenth
        // of a default round; a watchdog wants its rounds on time.
        prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
        ask_for_realtime_priority();
        std::unique_lock lock(mutex_);
        int idle_rounds = 0;
        auto stopped = [&] { return generation != generation_; };
        while (!stopped()) {
            if (wake_.wait_for(lock, round_, stopped)) break;
            if (check_slices()) {
                idle_rounds = 0;
                continue;
            }
            if (++idle_rounds < kIdleRoundsBeforeDozing) continue;
            dozing_.store(true, std::memory_order_seq_cst);
            if (any_slice_running()) {
                dozing_.store(false, std::memory_order_seq_cst);
                continue;
            }
            wake_.wait(lock, [&] { return stopped() || !dozing_.load(std::memory_order_seq_cst); });
            idle_rounds = 0;
        }
        dozing_.store(false, std::memory_order_seq_cst);
    }

    bool any_slice_running() const {
        return std::any_of(slices_.begin(), slices_.end(), [](const WatchedSlice* slice) {
            return (slice->seq.load(std::memory_order_seq_cst) & 1) != 0;
        });
    }

    // One round: expires the slices that ran through it. True if any slice runs.
    bool check_slices() {
        bool any_running = false;
        for (WatchedSlice* slice : slices_) {
            const std::uint64_t seq = slice->seq.load(std::memory_order_seq_cst);
            if ((seq & 1) == 0) continue;
            any_running = true;
            const std::int64_t cpu = thread_cpu_ns(slice->worker.load(std::memory_order_relaxed));
            if (seq != slice->seen_seq) {
                slice->seen_seq = seq;
                slice->seen_cpu_ns = cpu;
                continue;
            }
            // The slice ran for up to a round before it was first seen.
            const std::int64_t length = std::int64_t{slice->time_slice_us} * 1000;
            const bool measured = cpu >= 0 && slice->seen_cpu_ns >= 0;
            const std::int64_t used = measured ? cpu - slice->seen_cpu_ns : 0;
            if (measured && used < length - round_.count() * 1000) continue;
            slice->overrun.store(static_cast<std::uint64_t>(std::max<std::int64_t>(used - length, 0)),
                                 std::memory_order_relaxed);
            // Sent again each round the slice runs on: the hook only fires
            // when Lua runs an instruction, and a handler may have set it on
            // a thread the script has since left.
            slice->expired.store(seq, std::memory_order_release);
            syscall(SYS_tgkill, getpid(), slice->worker.load(std::memory_order_relaxed), kSignal);
        }
        return any_running;
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<WatchedSlice*> slices_;
    std::chrono::microseconds round_{500};
    std::thread thread_;
    std::uint64_t generation_ = 0;  // the running thread's; a thread of an older one stops
    std::atomic<bool> dozing_{false};
};

Watchdog& watchdog() {
    // Never destroyed: a runtime may outlive static destruction order.
    static Watchdog* instance = [] {
        install_signal_handler();
        return new Watchdog;
    }();
    return *instance;
}

}  // namespace

void watchdog_watch(WatchedSlice* slice) {
    assert(slice->time_slice_us > 0 && "a watched slice has a length");
    watchdog().watch(slice);
}

void watchdog_unwatch(WatchedSlice* slice) { watchdog().unwatch(slice); }

void watchdog_begin_slice(WatchedSlice* slice, lua_State* thread) {
    unblock_signal_once();
    slice->thread.store(thread, std::memory_order_relaxed);
    slice->worker.store(this_thread_id(), std::memory_order_relaxed);
    tls_slice = slice;
    slice->seq.fetch_add(1, std::memory_order_seq_cst);
    watchdog().slice_began();
}

void watchdog_end_slice(WatchedSlice* slice) {
    // Only this thread writes seq: a store is enough, and cheaper than an RMW.
    slice->seq.store(slice->seq.load(std::memory_order_relaxed) + 1, std::memory_order_release);
    tls_slice = nullptr;
}

}  // namespace luaos
