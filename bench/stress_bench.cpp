// The original game's stress shape: 400,000 VMs of two processes that loop
// forever, ticked at a quantum of 10 instructions, so that every process tick
// is a forced switch. Reports set-up and ticking time on one worker and on
// two, against raw Lua 5.4 resuming as many bare coroutines the same way, and
// the original's documented 3.42 s for 1.2M process ticks (2.85 us each);
// then how much faster two workers tick than one, over the stress shape's
// ticks and once every VM has run, beside what two threads give raw Lua
// (two states, half the coroutines each): on a shared machine that is the
// most two cores can give, and the engine's scaling is measured against it.
// Each figure is the best of a few rounds in which the runs take turns.
//
// usage: luaos_bench_stress [vms] [ticks]

#include <lua.hpp>

#include <algorithm>
#include <array>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "support/measure.hpp"
#include "support/raw_coroutines.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kForever = "while true do end";
constexpr int kQuantum = 10;

struct Run {
    double setup_ms;
    double tick_ms;    // the stress shape's first `ticks` ticks
    double steady_ms;  // kSteadyTicks more, for throughput once every VM has run
};

constexpr int kSteadyTicks = 10;
// The runs take turns this many times, and each figure is the best.
constexpr int kRounds = 3;

// Raw Lua on `workers` threads, each with a state of its own holding its
// share of the coroutines, ticking in step: what the machine itself gives
// two cores of this work, the baseline of the engine's scaling.
Run raw_run(std::size_t processes, int ticks, unsigned workers) {
    std::vector<std::unique_ptr<RawCoroutines>> states(workers);
    // When the last worker arrives, before any goes on: the end of one phase
    // (set-up, the first ticks, the steady ticks) is the start of the next
    // for every worker alike. A clock read by a thread after the barrier
    // would be late whenever that thread is scheduled late.
    std::array<Clock::time_point, 4> phase{Clock::now()};
    std::size_t phases = 1;
    std::barrier step(workers, [&]() noexcept { phase[phases++] = Clock::now(); });
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            states[w] = std::make_unique<RawCoroutines>(kForever, processes / workers, kQuantum);
            step.arrive_and_wait();
            for (int tick = 0; tick < ticks; ++tick) states[w]->tick();
            step.arrive_and_wait();
            for (int tick = 0; tick < kSteadyTicks; ++tick) states[w]->tick();
            step.arrive_and_wait();
            states[w].reset();
        });
    }
    for (auto& thread : threads) thread.join();
    auto ms = [&](std::size_t i) { return std::chrono::duration<double, std::milli>(phase[i + 1] - phase[i]).count(); };
    return {ms(0), ms(1), ms(2)};
}

Run luaos_run(std::size_t vms, int ticks, unsigned threads) {
    auto start = Clock::now();
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = kQuantum},
                     .threads = threads});
    for (std::size_t i = 0; i < vms; ++i) {
        Os& os = cluster.create_vm().os();
        os.spawn_process(kForever, "a.lua");
        os.spawn_process(kForever, "b.lua");
    }
    Run run{ms_since(start), 0, 0};
    start = Clock::now();
    for (int tick = 0; tick < ticks; ++tick) cluster.tick();
    run.tick_ms = ms_since(start);
    start = Clock::now();
    for (int tick = 0; tick < kSteadyTicks; ++tick) cluster.tick();
    run.steady_ms = ms_since(start);
    return run;
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t vms = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 400'000;
    const int ticks = argc > 2 ? std::atoi(argv[2]) : 3;
    const double process_ticks = double(vms) * 2 * ticks;
    Run raw{1e300, 1e300, 1e300};
    Run raw_two = raw;
    Run one = raw;
    Run two = raw;
    auto keep_best = [](Run& best, const Run& run) {
        best = {std::min(best.setup_ms, run.setup_ms), std::min(best.tick_ms, run.tick_ms),
                std::min(best.steady_ms, run.steady_ms)};
    };
    for (int round = 0; round < kRounds; ++round) {
        keep_best(raw, raw_run(vms * 2, ticks, 1));
        keep_best(raw_two, raw_run(vms * 2, ticks, 2));
        keep_best(one, luaos_run(vms, ticks, 1));
        keep_best(two, luaos_run(vms, ticks, 2));
    }

    std::printf("%zu VMs x 2 processes looping forever, %d ticks at quantum %d (%.0f process ticks); "
                "best of %d, the runs taking turns\n",
                vms, ticks, kQuantum, process_ticks, kRounds);
    std::printf("%-36s %10s %10s %14s %10s\n", "", "set-up ms", "ticks ms", "us/proc tick", "vs raw");
    const std::pair<const char*, Run> runs[] = {{"raw Lua 5.4, bare coroutines", raw},
                                                {"raw Lua 5.4, 2 threads, 2 states", raw_two},
                                                {"luaos, 1 worker", one},
                                                {"luaos, 2 workers", two}};
    for (const auto& [name, run] : runs) {
        std::printf("%-36s %10.1f %10.1f %14.3f %9.2fx\n", name, run.setup_ms, run.tick_ms,
                    run.tick_ms * 1e3 / process_ticks, run.tick_ms / raw.tick_ms);
    }
    std::printf("%-36s %10s %10s %14.3f %9.2fx\n", "the original game (documented)", "-", "-", 2.85,
                2.85 / (raw.tick_ms * 1e3 / process_ticks));
    std::printf("\n2 threads against 1, over those %d ticks and over %d more:\n", ticks, kSteadyTicks);
    std::printf("  raw Lua 5.4 %.2fx and %.2fx; luaos %.2fx and %.2fx\n", raw.tick_ms / raw_two.tick_ms,
                raw.steady_ms / raw_two.steady_ms, one.tick_ms / two.tick_ms, one.steady_ms / two.steady_ms);
    return 0;
}
