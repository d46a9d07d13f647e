#include "runtime/watchdog.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <ctime>
#include <lua.hpp>
#include <mutex>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/preemption.hpp"
#include "runtime/steady_clock.hpp"

namespace luaos {
namespace {

constexpr int kSignal = SIGURG;

// This thread's timer. Plain data, so that the signal handler may touch it
// (a thread_local with a constructor is made on first use, which a handler
// must not do). Only this thread and its handler use it.
struct ThreadTimer {
    timer_t id{};
    bool made = false;
    std::uint64_t fires_at_ns = 0;  // when it is due (steady clock); 0 if not set or fired
    std::uint64_t set_at_ns = 0;    // when it was set
    std::int64_t set_at_cpu_ns = 0;  // the thread's CPU time then (-1 if unknown)
};

thread_local ThreadTimer tls_timer;
// The slice running on this thread, for the signal handler.
thread_local WatchedSlice* tls_slice = nullptr;

// Deletes this thread's timer when the thread ends.
struct TimerOwner {
    ~TimerOwner() {
        if (tls_timer.made) timer_delete(tls_timer.id);
        tls_timer.made = false;
    }
};

// Marks our timer's signals, to tell them from the host's.
int timer_mark;

struct sigaction previous_action;

void chain_to_previous(int signal, siginfo_t* info, void* context) {
    if ((previous_action.sa_flags & SA_SIGINFO) != 0) {
        if (previous_action.sa_sigaction != nullptr) previous_action.sa_sigaction(signal, info, context);
    } else if (previous_action.sa_handler != SIG_DFL && previous_action.sa_handler != SIG_IGN &&
               previous_action.sa_handler != nullptr) {
        previous_action.sa_handler(signal);
    }
}

// This thread's CPU time; -1 if it cannot be read. A system call (about
// 0.2 us), made only when a timer is set or fires and when an expired slice
// ends.
std::int64_t thread_cpu_ns() {
    timespec now{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) != 0) return -1;
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

std::uint64_t length_ns(const WatchedSlice& slice) { return std::uint64_t{slice.time_slice_us} * 1000; }

// Sets this thread's timer to fire at `at` on the steady clock, which is
// CLOCK_MONOTONIC. `now` and `cpu` are the time and CPU time now.
void set_timer(std::uint64_t at, std::uint64_t now, std::int64_t cpu) {
    ThreadTimer& timer = tls_timer;
    itimerspec when{};
    when.it_value.tv_sec = static_cast<time_t>(at / 1'000'000'000);
    when.it_value.tv_nsec = static_cast<long>(at % 1'000'000'000);
    timer.set_at_ns = now;
    timer.set_at_cpu_ns = cpu;
    timer.fires_at_ns = at;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (timer_settime(timer.id, TIMER_ABSTIME, &when, nullptr) != 0) timer.fires_at_ns = 0;
}

// Of the wall time since the timer was set, and since the slice began, what
// the thread spent off its CPU.
std::uint64_t off_cpu_since_set(const WatchedSlice& slice, std::uint64_t now, std::int64_t cpu) {
    const ThreadTimer& timer = tls_timer;
    if (cpu < 0 || timer.set_at_cpu_ns < 0 || now < timer.set_at_ns) return 0;
    const std::int64_t wall = static_cast<std::int64_t>(now - timer.set_at_ns);
    const std::int64_t off = wall - (cpu - timer.set_at_cpu_ns);
    const std::uint64_t window = now - std::max(timer.set_at_ns, slice.start_ns.load(std::memory_order_relaxed));
    return off <= 0 ? 0 : std::min(static_cast<std::uint64_t>(off), window);
}

// The handler's work once the timer fired during a slice.
void on_timer_in_slice(WatchedSlice& slice, std::uint64_t seq) {
    const std::uint64_t now = steady_clock_ns();
    const std::int64_t cpu = thread_cpu_ns();
    const std::uint64_t length = length_ns(slice);
    if (slice.expired.load(std::memory_order_relaxed) != seq) {
        const std::uint64_t off = slice.off_cpu_ns.load(std::memory_order_relaxed) + off_cpu_since_set(slice, now, cpu);
        slice.off_cpu_ns.store(off, std::memory_order_relaxed);
        const std::uint64_t ran = now - slice.start_ns.load(std::memory_order_relaxed);
        const std::uint64_t used = ran > off ? ran - off : 0;
        if (used < length / 2) {
            set_timer(now + (length - used), now, cpu);  // it was off its CPU: the rest of its time
            return;
        }
        slice.expired_cpu_ns.store(cpu, std::memory_order_relaxed);
        slice.expired.store(seq, std::memory_order_relaxed);
    }
    lua_State* thread = slice.thread.load(std::memory_order_relaxed);
    // lua_sethook walks the thread's whole call chain, so a deep recursion
    // makes it slow; the hook is set once, not at every signal. The mask,
    // not the hook function, says whether a hook is active:
    // lua_sethook(thread, nullptr, 0, 0) clears the function first and the
    // mask last, and a handler that interrupts it in between and saw no
    // function would leave a function with an empty mask behind, which never
    // fires and stops every later signal from setting it.
    if (thread != nullptr && lua_gethookmask(thread) == 0) lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, 1);
    // Again a slice on: for a hook that was lost, and for the next slice.
    set_timer(now + length, now, cpu);
}

// Runs on the thread the slice runs on, between two of its instructions.
void on_signal(int signal, siginfo_t* info, void* context) {
    if (info == nullptr || info->si_code != SI_TIMER || info->si_value.sival_ptr != &timer_mark) {
        chain_to_previous(signal, info, context);  // a signal of the host's
        return;
    }
    const int saved_errno = errno;
    tls_timer.fires_at_ns = 0;
    WatchedSlice* slice = tls_slice;
    if (slice != nullptr) {
        const std::uint64_t seq = slice->seq.load(std::memory_order_relaxed);
        if ((seq & 1) != 0) on_timer_in_slice(*slice, seq);
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
void unblock_signal() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, kSignal);
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

// This thread's timer, made at its first slice (and tried again at each
// slice while the system refuses one).
bool make_thread_timer() {
    static std::once_flag installed;
    std::call_once(installed, install_signal_handler);
    unblock_signal();
    sigevent event{};
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = kSignal;
    event.sigev_value.sival_ptr = &timer_mark;
    // sigev_notify_thread_id, which glibc names so only from 2.38.
    event._sigev_un._tid = static_cast<pid_t>(syscall(SYS_gettid));
    if (timer_create(CLOCK_MONOTONIC, &event, &tls_timer.id) != 0) return false;
    thread_local TimerOwner owner;
    tls_timer.made = true;
    return true;
}

}  // namespace

void watchdog_begin_slice(WatchedSlice* slice, lua_State* thread) {
    const std::uint64_t now = steady_clock_ns();
    slice->thread.store(thread, std::memory_order_relaxed);
    slice->start_ns.store(now, std::memory_order_relaxed);
    slice->off_cpu_ns.store(0, std::memory_order_relaxed);
    tls_slice = slice;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    // Only this thread writes seq: a store is enough, and cheaper than an RMW.
    slice->seq.store(slice->seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    if (!tls_timer.made && !make_thread_timer()) return;
    // Left alone if due between half a slice and a whole one from now. (Read
    // after the slice is published: a handler running since saw it.)
    const std::uint64_t length = length_ns(*slice);
    const std::uint64_t fires_at = tls_timer.fires_at_ns;
    if (fires_at != 0 && fires_at >= now + length / 2 && fires_at <= now + length) return;
    set_timer(now + length, now, thread_cpu_ns());
}

std::uint64_t watchdog_end_slice(WatchedSlice* slice) {
    std::uint64_t overrun = 0;
    if (slice->running_expired()) {
        const std::int64_t expired_cpu = slice->expired_cpu_ns.load(std::memory_order_relaxed);
        const std::int64_t cpu = thread_cpu_ns();
        const std::int64_t grace = static_cast<std::int64_t>(length_ns(*slice) / 2);
        if (expired_cpu >= 0 && cpu >= 0 && cpu - expired_cpu > grace) {
            overrun = static_cast<std::uint64_t>(cpu - expired_cpu - grace);
        }
    }
    std::atomic_signal_fence(std::memory_order_seq_cst);
    slice->seq.store(slice->seq.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    tls_slice = nullptr;
    return overrun;
}

}  // namespace luaos
