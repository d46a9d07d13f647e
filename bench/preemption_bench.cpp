// What preemption costs: a CPU-bound script in each preemption mode against
// the same script under raw Lua 5.4, and the price of one switch. Each figure
// is the best of several runs, the baseline measured in the same run.
//
// usage: luaos_bench_preemption [iterations]

#include <cstdio>
#include <cstdlib>
#include <string>

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
    const double raw = raw_lua_ms(loop);
    std::printf("CPU-bound loop, %ld iterations (best of %d)\n", iterations, kRepeats);
    std::printf("%-28s %10s %10s %10s %12s\n", "mode", "ms", "ns/iter", "vs raw", "slice (us)");
    std::printf("%-28s %10.1f %10.2f %10s %12s\n", "raw Lua 5.4", raw, raw * 1e6 / double(iterations), "1.00x", "-");
    for (const Mode& mode : modes) {
        std::uint64_t slices = 0;
        const double ms = luaos_ms(loop, mode.options, &slices);
        std::printf("%-28s %10.1f %10.2f %9.3fx %12.2f\n", mode.name.c_str(), ms, ms * 1e6 / double(iterations),
                    ms / raw, ms * 1e3 / double(slices));
    }
}

// A forced switch is the hook yielding a process and the scheduler resuming
// it. Two quanta run the same loop with the same per-instruction hook cost;
// their difference, per extra slice, is what one forced switch costs.
double forced_switch_ns(long iterations, bool accounting) {
    const std::string loop = "local s = 0 for i = 1, " + std::to_string(iterations) + " do s = s + i end";
    std::uint64_t fine_slices = 0;
    std::uint64_t coarse_slices = 0;
    const double fine = luaos_ms(loop, counted(100, accounting), &fine_slices);
    const double coarse = luaos_ms(loop, counted(1'000'000, accounting), &coarse_slices);
    return (fine - coarse) * 1e6 / double(fine_slices - coarse_slices);
}

void report_switches(long iterations) {
    const long switches = iterations / 20;
    const std::string yielder = "for i = 1, " + std::to_string(switches) + " do coroutine.yield() end";
    const std::string bare = "local co = coroutine.wrap(function() while true do coroutine.yield() end end) for i = 1, " +
                             std::to_string(switches) + " do co() end";
    const double bare_ns = raw_lua_ms(bare) * 1e6 / double(switches);
    std::printf("\nswitches (%ld round trips); accounting times each slice (RuntimeOptions::accounting)\n", switches);
    std::printf("%-52s %8.1f ns\n", "raw Lua coroutine resume/yield round trip", bare_ns);
    for (bool accounting : {false, true}) {
        const char* suffix = accounting ? ", accounting on" : ", accounting off";
        const double yield_ns = luaos_ms(yielder, {.accounting = accounting}) * 1e6 / double(switches);
        const double forced_ns = forced_switch_ns(iterations, accounting);
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
