// What preemption costs: a CPU-bound script in each preemption mode against
// the same script under raw Lua 5.4, and the price of one switch. Each figure
// is the best of several runs, the variants taking turns with the baseline
// (raw Lua 5.4) in the same run.
//
// usage: luaos_bench_preemption [iterations]

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

struct Mode {
    std::string name;
    RuntimeOptions options;
};

RuntimeOptions counted(std::uint32_t quantum, bool accounting = true) {
    return {.preemption = PreemptionMode::InstructionCount, .quantum = quantum, .accounting = accounting};
}

void report_throughput(long iterations) {
    const std::string loop = "local s = 0 for i = 1, " + std::to_string(iterations) + " do s = s + i end";
    const Mode modes[] = {
        {"deadline 1000 us (default)", {}},
        {"deadline 100 us", {.time_slice_us = 100}},
        {"count, quantum 100", counted(100)},
        {"count, quantum 1000", counted(1000)},
        {"count, quantum 10000", counted(10000)},
        {"count, quantum 100000", counted(100000)},
    };
    std::vector<std::uint64_t> slices(std::size(modes));
    std::vector<std::function<double()>> variants = {[&] { return raw_lua_once_ms(loop); }};
    for (std::size_t i = 0; i < std::size(modes); ++i) {
        variants.push_back([&, i] { return once_ms(loop, modes[i].options, nullptr, &slices[i]); });
    }
    const std::vector<double> ms = interleaved_best_ms(variants);
    const double raw = ms[0];
    std::printf("CPU-bound loop, %ld iterations (best of %d, the variants taking turns)\n", iterations, kRepeats);
    std::printf("%-28s %10s %10s %10s %12s\n", "mode", "ms", "ns/iter", "vs raw", "slice (us)");
    std::printf("%-28s %10.1f %10.2f %10s %12s\n", "raw Lua 5.4", raw, raw * 1e6 / double(iterations), "1.00x", "-");
    for (std::size_t i = 0; i < std::size(modes); ++i) {
        std::printf("%-28s %10.1f %10.2f %9.3fx %12.2f\n", modes[i].name.c_str(), ms[i + 1],
                    ms[i + 1] * 1e6 / double(iterations), ms[i + 1] / raw, ms[i + 1] * 1e3 / double(slices[i]));
    }
}

// A forced switch is the hook yielding a process and the scheduler resuming
// it. Two quanta run the same loop with the same per-instruction hook cost;
// their difference, per extra slice, is what one forced switch costs. The
// fine quantum is 10 so that the switches are most of its run: at quantum
// 100 they were a sixth of it, and a busy machine's noise in either run, a
// few percent, moved the difference so much that the figure ranged from a
// negative cost to 1.5x between two runs of the benchmark.
void report_switches(long iterations) {
    const long switches = iterations / 20;
    const std::string loop = "local s = 0 for i = 1, " + std::to_string(iterations) + " do s = s + i end";
    const std::string yielder = "for i = 1, " + std::to_string(switches) + " do coroutine.yield() end";
    const std::string bare = "local co = coroutine.wrap(function() while true do coroutine.yield() end end) for i = 1, " +
                             std::to_string(switches) + " do co() end";
    // Per accounting setting (off, on): where its variants are in `variants`,
    // and the slices its two quanta took.
    struct Switches {
        std::size_t yield_at, fine_at, coarse_at;
        std::uint64_t fine_slices = 0, coarse_slices = 0;
    } of[2] = {};
    std::vector<std::function<double()>> variants = {[&] { return raw_lua_once_ms(bare); }};
    for (bool accounting : {false, true}) {
        Switches& mine = of[accounting];
        mine.yield_at = variants.size();
        variants.push_back([&, accounting] { return once_ms(yielder, {.accounting = accounting}, nullptr); });
        mine.fine_at = variants.size();
        variants.push_back([&] { return once_ms(loop, counted(10, accounting), nullptr, &mine.fine_slices); });
        mine.coarse_at = variants.size();
        variants.push_back(
            [&] { return once_ms(loop, counted(1'000'000, accounting), nullptr, &mine.coarse_slices); });
    }
    const int rounds = 2 * kRepeats;
    const std::vector<double> ms = interleaved_best_ms(variants, rounds);
    const double bare_ns = ms[0] * 1e6 / double(switches);
    std::printf("\nswitches (%ld round trips, best of %d, the variants taking turns); accounting times each slice "
                "(RuntimeOptions::accounting)\n",
                switches, rounds);
    std::printf("%-52s %8.1f ns\n", "raw Lua coroutine resume/yield round trip", bare_ns);
    for (bool accounting : {false, true}) {
        const char* suffix = accounting ? ", accounting on" : ", accounting off";
        const Switches& mine = of[accounting];
        const double yield_ns = ms[mine.yield_at] * 1e6 / double(switches);
        const double forced_ns =
            (ms[mine.fine_at] - ms[mine.coarse_at]) * 1e6 / double(mine.fine_slices - mine.coarse_slices);
        std::printf("%-52s %8.1f ns  (%.2fx)\n", (std::string("luaos slice ended by coroutine.yield()") + suffix).c_str(),
                    yield_ns, yield_ns / bare_ns);
        std::printf("%-52s %8.1f ns  (%.2fx)\n", (std::string("luaos forced preemption") + suffix).c_str(), forced_ns,
                    forced_ns / bare_ns);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 20'000'000;
    report_throughput(iterations);
    report_switches(iterations);
    return 0;
}
