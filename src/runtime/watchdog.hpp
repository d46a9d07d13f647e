#pragma once
// The watchdog: a timer on each thread that runs slices, which interrupts a
// slice that has outlived its time. It has no thread of its own and costs
// nothing while slices end in time.
//
// Each OS thread that runs slices in the deadline mode gets one POSIX timer
// (timer_create on the monotonic clock, delivered to that very thread with
// SIGEV_THREAD_ID), made at its first slice. A slice that begins notes when
// it began (one read of the clock) and looks at the timer: if it is due
// between half a slice and a whole slice from now, it is left alone; else it
// is set for a whole slice from now. Setting a timer is a system call, so a
// thread running many short slices sets it at most once per half slice, and
// a slice that ends in time leaves it as it is.
//
// When the timer fires, its signal (SIGURG, ignored by default, the signal
// Go's scheduler uses for the same purpose) runs our handler on the thread
// of the slice, between two of its instructions. A slice still running has
// run for at least half its length by the wall clock; the handler counts CPU
// time, not wall time, so that a thread the OS descheduled has not used its
// slice: it reads the thread's CPU clock, and the wall time since the timer
// was set that the thread spent off its CPU is not the slice's. If the slice
// has used half its length or more, it is expired: the handler sets the
// preemption hook with lua_sethook, which the Lua manual allows from a signal
// handler, as the standalone `lua` does for Ctrl-C, and the hook yields at
// the next instruction. Else the timer is set again for what the slice has
// left. So a slice lasts between half its length and a little more than all
// of it, in CPU time, and a process that never yields costs one signal per
// slice. Why not a timer on the thread's CPU clock, which would count CPU
// time itself: Linux checks those only at its scheduler tick, every 4 ms at
// HZ=250, which would make every default slice several times too long.
//
// The expired slice's handler sets the timer again, a slice on: should the
// hook be lost (a handler that interrupts lua_sethook clearing a leftover
// hook sees the old mask and leaves it), the next signal sets it again; and
// the next slice of a process that never yields finds the timer set for it.
// A process that cannot yield (inside a C call boundary) runs on under a
// count hook on its CPU budget; the CPU time it used after it expired, beyond
// half a slice, is what it certainly overran by, read from the thread's CPU
// clock when the slice ends, and its process repays it in turns sat out
// (runtime/deadline_preemption.cpp).
//
// A timer left set when the thread stops running slices fires once into the
// idle thread, and the handler does nothing; SA_RESTART restarts most system
// calls it interrupts. A signal that is not our timer's goes to the handler
// the host had installed, if any.

#include <atomic>
#include <cstdint>

struct lua_State;

namespace luaos {

// One runtime's slices. Written by the thread running them and by the
// watchdog's signal handler, which runs on that same thread.
struct WatchedSlice {
    std::atomic<std::uint64_t> seq{0};  // odd while a slice runs
    std::atomic<lua_State*> thread{nullptr};
    std::atomic<std::uint64_t> start_ns{0};    // when the running slice began (steady clock)
    std::atomic<std::uint64_t> off_cpu_ns{0};  // of its time since, what the thread spent off its CPU
    // The seq of the slice the handler found overdue, and the thread's CPU
    // time then (-1 if it could not be read).
    std::atomic<std::uint64_t> expired{0};
    std::atomic<std::int64_t> expired_cpu_ns{0};
    // The slice's length.
    std::uint32_t time_slice_us = 0;

    bool running_expired() const {
        const std::uint64_t now = seq.load(std::memory_order_relaxed);
        return (now & 1) != 0 && expired.load(std::memory_order_relaxed) == now;
    }
};

// A slice is beginning on this thread: publishes it and sees that the
// thread's timer fires in time.
void watchdog_begin_slice(WatchedSlice* slice, lua_State* thread);
// The slice on this thread is over. Returns the CPU time it certainly ran
// past its end: of what it used after it expired, all beyond half a slice;
// 0 if it did not expire.
std::uint64_t watchdog_end_slice(WatchedSlice* slice);

}  // namespace luaos
