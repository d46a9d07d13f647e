// The game loop: Cluster::run, ticking until every VM is done or the tick
// limit is hit, optionally paced to a fixed tick rate.

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <thread>

#include "luaos/cluster.hpp"

namespace luaos {
namespace {

using Clock = std::chrono::steady_clock;

// What the progress line reports of the ticks since the last one.
struct Interval {
    Clock::time_point start;
    std::uint64_t ticks = 0;
    std::uint64_t overruns = 0;  // ticks that took longer than their frame
    std::uint64_t cut_short = 0;  // ticks the frame budget ended before every VM had its turn
    std::uint64_t vms_deferred = 0;
    TickStats slowest;           // the tick holding the longest slice

    void add(const TickStats& tick, Clock::duration period) {
        ++ticks;
        if (std::chrono::nanoseconds(tick.wall_ns) > period) ++overruns;
        if (tick.vms_deferred > 0) ++cut_short;
        vms_deferred += tick.vms_deferred;
        if (tick.processes_run > 0 && tick.longest_slice_ns >= slowest.longest_slice_ns) slowest = tick;
    }
};

// "tick N | X VMs active | uptime Ys" as the upstream game loop prints it,
// then what an operator needs to see which scripts eat the frame.
void print_progress(std::ostream& out, Cluster& cluster, const Interval& interval, Clock::time_point now,
                    Clock::time_point start) {
    const double seconds = std::chrono::duration<double>(now - interval.start).count();
    char line[512];
    int length = std::snprintf(line, sizeof line,
                               "tick %llu | %zu VMs active | uptime %llds | %zu processes | %.1f ticks/s | "
                               "%llu/%llu ticks over their frame",
                               static_cast<unsigned long long>(cluster.ticks()), cluster.vm_count(),
                               static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(now - start).count()),
                               cluster.process_count(), seconds > 0 ? double(interval.ticks) / seconds : 0.0,
                               static_cast<unsigned long long>(interval.overruns),
                               static_cast<unsigned long long>(interval.ticks));
    out.write(line, length);
    // More work than fits in a frame is postponed, never dropped; an operator
    // must see that it happens rather than find the VMs slowing down.
    if (interval.cut_short > 0) {
        length = std::snprintf(line, sizeof line, " | overloaded: %llu/%llu ticks hit the frame budget, %llu VM turns postponed",
                               static_cast<unsigned long long>(interval.cut_short),
                               static_cast<unsigned long long>(interval.ticks),
                               static_cast<unsigned long long>(interval.vms_deferred));
        out.write(line, length);
    }
    if (interval.slowest.processes_run > 0) {
        const TickStats& slow = interval.slowest;
        out << " | slowest: vm " << slow.longest_vm << " pid " << slow.longest_pid << " (" << slow.longest_name << ") ";
        length = std::snprintf(line, sizeof line, "%.3f ms", double(slow.longest_slice_ns) / 1e6);
        out.write(line, length);
    }
    out << '\n' << std::flush;
}

bool stop_requested(const RunOptions& options) {
    return options.stop != nullptr && options.stop->load(std::memory_order_relaxed);
}

// Sleeps until `until`, or less once a stop is asked for: a paced frame may
// be long (--tps 0.1 sleeps 10 s), and Ctrl-C must not wait it out.
void sleep_until_frame(Clock::time_point until, const RunOptions& options) {
    if (options.stop == nullptr) {
        std::this_thread::sleep_until(until);
        return;
    }
    constexpr auto kStopCheck = std::chrono::milliseconds(50);
    for (auto now = Clock::now(); now < until && !stop_requested(options); now = Clock::now()) {
        std::this_thread::sleep_until(std::min(until, now + kStopCheck));
    }
}

}  // namespace

RunStats Cluster::run(const RunOptions& options) {
    RunStats stats;
    const bool paced = options.ticks_per_second > 0;
    const auto period = paced ? std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(1.0 / options.ticks_per_second))
                              : Clock::duration::zero();
    const auto budget = options.frame_budget > Clock::duration::zero()
                            ? std::chrono::duration_cast<Clock::duration>(options.frame_budget)
                            : period;
    const auto start = Clock::now();
    auto next_frame = start;
    auto next_progress = start + options.progress_every;
    Interval interval{start};

    while (vm_count() > 0 && stats.ticks < options.max_ticks && !stop_requested(options)) {
        if (budget > Clock::duration::zero()) {
            tick(Clock::now() + budget);
        } else {
            tick();
        }
        ++stats.ticks;
        if (options.after_tick) options.after_tick();
        if (!paced || stop_requested(options)) continue;
        interval.add(last_tick_, period);
        auto now = Clock::now();
        if (options.progress != nullptr && now >= next_progress) {
            print_progress(*options.progress, *this, interval, now, start);
            interval = Interval{now};
            next_progress += options.progress_every;
        }
        next_frame += period;
        // A tick that overran its frame starts the next one at once, without
        // trying to catch up on the frames it missed (the progress line
        // counts such ticks).
        if (next_frame > now) {
            sleep_until_frame(next_frame, options);
        } else {
            next_frame = now;
        }
    }
    stats.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    stats.stopped = vm_count() > 0 && stop_requested(options);
    stats.hit_tick_limit = vm_count() > 0 && !stats.stopped;
    return stats;
}

}  // namespace luaos
