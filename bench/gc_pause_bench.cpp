// The collector's pause. Lua 5.4 ends each collection cycle with an atomic
// step that visits every thread of the state at once, inside the slice whose
// allocation triggers it; so the longest slice of a script that allocates
// grows with the threads sharing its Lua state. VMs each run one process that
// allocates a table per iteration, at a quantum of 100 instructions, on one
// worker. Reported: the longest slice and the 99.9th percentile, with one
// shard holding every VM (as one Lua state per worker would) and with the
// default shard size, against raw Lua 5.4 resuming as many coroutines of the
// same script in one state. Each figure is the best of a few rounds in which
// the runs take turns.
//
// usage: luaos_bench_gc_pause [vms] [ticks]

#include <lua.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "runtime/steady_clock.hpp"
#include "support/measure.hpp"
#include "support/raw_coroutines.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

constexpr const char* kGarbage = "while true do local t = {} end";
constexpr int kQuantum = 100;
constexpr int kRounds = 2;

struct Slices {
    double longest_ms = 1e300;
    double p999_ms = 1e300;
    double ticks_ms = 1e300;

    void keep_best(const Slices& run) {
        longest_ms = std::min(longest_ms, run.longest_ms);
        p999_ms = std::min(p999_ms, run.p999_ms);
        ticks_ms = std::min(ticks_ms, run.ticks_ms);
    }
};

Slices summarize(std::vector<std::uint64_t>& durations_ns, double ticks_ms) {
    const std::size_t p999 = durations_ns.size() * 999 / 1000;
    std::nth_element(durations_ns.begin(), durations_ns.begin() + static_cast<std::ptrdiff_t>(p999),
                     durations_ns.end());
    const double p999_ms = double(durations_ns[p999]) / 1e6;
    const double longest_ms = double(*std::max_element(durations_ns.begin(), durations_ns.end())) / 1e6;
    return {longest_ms, p999_ms, ticks_ms};
}

// Raw Lua 5.4: a coroutine per VM with the same count hook, each resume timed.
Slices raw_lua(std::size_t vms, int ticks) {
    RawCoroutines coroutines(kGarbage, vms, kQuantum);
    std::vector<std::uint64_t> durations;
    durations.reserve(vms * static_cast<std::size_t>(ticks));
    const double ms = timed_ms([&] {
        for (int tick = 0; tick < ticks; ++tick) {
            coroutines.tick([&](auto&& resume) {
                const std::uint64_t begin = steady_clock_ns();
                resume();
                durations.push_back(steady_clock_ns() - begin);
            });
        }
    });
    return summarize(durations, ms);
}

class SliceDurations : public ProcessObserver {
public:
    void on_slice(const Process&, const SliceRecord& slice) override { durations.push_back(slice.duration_ns); }
    std::vector<std::uint64_t> durations;
};

Slices luaos_run(std::size_t vms, int ticks, std::size_t shard_vms) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = kQuantum},
                     .threads = 1,
                     .shard_vms = shard_vms});
    SliceDurations slices;
    slices.durations.reserve(vms * static_cast<std::size_t>(ticks));
    cluster.set_observer(&slices);
    for (std::size_t i = 0; i < vms; ++i) cluster.create_vm().os().spawn_process(kGarbage, "garbage.lua");
    const double ms = timed_ms([&] {
        for (int tick = 0; tick < ticks; ++tick) cluster.tick();
    });
    return summarize(slices.durations, ms);
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t vms = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 32'000;
    const int ticks = argc > 2 ? std::atoi(argv[2]) : 8;
    Slices raw;
    Slices one_shard;
    Slices sharded;
    for (int round = 0; round < kRounds; ++round) {
        raw.keep_best(raw_lua(vms, ticks));
        one_shard.keep_best(luaos_run(vms, ticks, vms));
        sharded.keep_best(luaos_run(vms, ticks, kDefaultShardVms));
    }

    std::printf("%zu VMs, one process each allocating a table per iteration, %d ticks at quantum %d on one "
                "worker; best of %d, the runs taking turns\n",
                vms, ticks, kQuantum, kRounds);
    std::printf("%-44s %12s %9s %12s %9s %10s\n", "", "longest ms", "vs raw", "99.9% ms", "vs raw", "ticks ms");
    auto row = [&](const char* name, const Slices& run) {
        std::printf("%-44s %12.3f %8.2fx %12.3f %8.2fx %10.1f\n", name, run.longest_ms,
                    run.longest_ms / raw.longest_ms, run.p999_ms, run.p999_ms / raw.p999_ms, run.ticks_ms);
    };
    row("raw Lua 5.4, coroutines in one state", raw);
    row("luaos, one shard of every VM", one_shard);
    char name[64];
    std::snprintf(name, sizeof name, "luaos, shards of %zu VMs (the default)", kDefaultShardVms);
    row(name, sharded);
    return 0;
}
