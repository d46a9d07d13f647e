#pragma once
// The watchdog: one thread in the host process that notices slices which have
// outlived their time and interrupts them.
//
// A runtime in the deadline mode publishes its running slice in a
// WatchedSlice: a sequence number that is odd while a slice runs, and the Lua
// thread running it. The watchdog wakes every half of the shortest time slice
// it watches. When it first sees a slice running it notes the CPU time of
// the OS thread running it; once that thread has used a further slice less a
// round of CPU time under the same number, the slice is overdue. (CPU time, not
// wall time: a worker the OS descheduled has not used its slice, and a slice
// that yields in time must not be cut short because the machine is busy.)
// The watchdog marks the slice expired and sends the slice's OS thread a
// signal (SIGURG, ignored by default, the signal Go's scheduler uses
// for the same purpose). The signal handler, on the very thread that runs the
// slice, sets the preemption hook with lua_sethook, which the Lua manual
// allows from a signal handler, as the standalone `lua` does for Ctrl-C.
// Setting the hook from the watchdog's own thread would not be safe: it walks
// the running thread's call stack.
//
// Nothing runs per instruction, and per slice only a few stores. When no
// slice has run for a few rounds the watchdog dozes until the next one
// begins, so an idle host pays nothing.

#include <atomic>
#include <cstdint>
#include <sys/types.h>

struct lua_State;

namespace luaos {

struct WatchedSlice {
    // Written by the thread running the slices only.
    std::atomic<std::uint64_t> seq{0};  // odd while a slice runs
    std::atomic<lua_State*> thread{nullptr};
    std::atomic<pid_t> worker{0};  // the kernel's id of the thread running the slice
    // Written by the watchdog: the seq of a slice it found overdue, and the
    // CPU time that slice had used, since the watchdog first saw it, beyond a
    // whole slice when it last looked (stored before `expired`).
    std::atomic<std::uint64_t> expired{0};
    std::atomic<std::uint64_t> overrun{0};
    // The slice's length.
    std::uint32_t time_slice_us = 0;
    // The watchdog's own notes.
    std::uint64_t seen_seq = 0;
    std::int64_t seen_cpu_ns = 0;  // the worker's CPU time when it first saw seen_seq

    bool running_expired() const {
        const std::uint64_t now = seq.load(std::memory_order_relaxed);
        return (now & 1) != 0 && expired.load(std::memory_order_acquire) == now;
    }
    // Of the running slice, once running_expired().
    std::uint64_t overrun_ns() const { return overrun.load(std::memory_order_relaxed); }
};

// Starts watching `slice` (the watchdog thread starts with the first).
void watchdog_watch(WatchedSlice* slice);
// Stops watching it (the thread stops with the last).
void watchdog_unwatch(WatchedSlice* slice);
// A slice is beginning on this thread: publishes it and wakes a dozing watchdog.
void watchdog_begin_slice(WatchedSlice* slice, lua_State* thread);
// The slice on this thread is over.
void watchdog_end_slice(WatchedSlice* slice);

}  // namespace luaos
