// The game loop: Cluster::run, ticking until every VM is done or the tick
// limit is hit, optionally paced to a fixed tick rate.

#include <cstdio>
#include <ostream>
#include <thread>

#include "luaos/cluster.hpp"

namespace luaos {
namespace {

using Clock = std::chrono::steady_clock;

void print_progress(std::ostream& out, std::uint64_t tick, std::size_t vms, Clock::duration uptime) {
    char line[128];
    std::snprintf(line, sizeof line, "tick %llu | %zu VMs active | uptime %llds\n",
                  static_cast<unsigned long long>(tick), vms,
                  static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(uptime).count()));
    out << line << std::flush;
}

}  // namespace

RunStats Cluster::run(const RunOptions& options) {
    RunStats stats;
    const bool paced = options.ticks_per_second > 0;
    const auto period = paced ? std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(1.0 / options.ticks_per_second))
                              : Clock::duration::zero();
    const auto start = Clock::now();
    auto next_frame = start;
    auto next_progress = start + options.progress_every;

    while (vm_count() > 0 && stats.ticks < options.max_ticks) {
        tick();
        ++stats.ticks;
        if (options.after_tick) options.after_tick();
        if (!paced) continue;
        auto now = Clock::now();
        if (options.progress != nullptr && now >= next_progress) {
            print_progress(*options.progress, ticks_, vm_count(), now - start);
            next_progress += options.progress_every;
        }
        next_frame += period;
        // A tick that overran its frame starts the next one at once, without
        // trying to catch up on the frames it missed.
        if (next_frame > now) {
            std::this_thread::sleep_until(next_frame);
        } else {
            next_frame = now;
        }
    }
    stats.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    stats.hit_tick_limit = vm_count() > 0;
    return stats;
}

}  // namespace luaos
