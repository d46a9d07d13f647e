// What the quantum costs: a CPU-bound script under instruction-count
// preemption at several quanta, against the same script under raw Lua 5.4,
// and the price of one forced switch. Each figure is the best of several runs.
//
// usage: luaos_bench_quantum [iterations]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/measure.hpp"

using namespace luaos::bench;

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 20'000'000;
    const std::string loop = "local s = 0 for i = 1, " + std::to_string(iterations) + " do s = s + i end";

    const double raw = raw_lua_ms(loop);
    std::printf("CPU-bound loop, %ld iterations (best of %d)\n", iterations, kRepeats);
    std::printf("%-22s %10s %12s %10s %14s\n", "mode", "ms", "ns/iter", "vs raw", "slice (us)");
    std::printf("%-22s %10.1f %12.2f %10s %14s\n", "raw Lua 5.4", raw, raw * 1e6 / double(iterations), "1.00x", "-");
    for (std::uint32_t quantum : {100u, 1000u, 10000u, 100000u}) {
        std::uint64_t slices = 0;
        double ms = luaos_ms(loop, {.quantum = quantum}, &slices);
        std::printf("%-22s %10.1f %12.2f %9.2fx %14.2f\n", ("quantum " + std::to_string(quantum)).c_str(), ms,
                    ms * 1e6 / double(iterations), ms / raw, ms * 1e3 / double(slices));
    }

    // A switch: the scheduler resumes a process that yields straight back,
    // against a bare coroutine.resume/yield round trip inside raw Lua.
    const long switches = iterations / 20;
    const std::string yielder = "for i = 1, " + std::to_string(switches) + " do coroutine.yield() end";
    const std::string bare = "local co = coroutine.wrap(function() while true do coroutine.yield() end end) for i = 1, " +
                             std::to_string(switches) + " do co() end";
    const double bare_ms = raw_lua_ms(bare);
    const double switched_ms = luaos_ms(yielder, {});
    std::printf("\nswitches, %ld round trips\n", switches);
    std::printf("%-34s %10.1f ns\n", "raw Lua resume/yield round trip", bare_ms * 1e6 / double(switches));
    std::printf("%-34s %10.1f ns  (%.2fx)\n", "luaos scheduler slice round trip", switched_ms * 1e6 / double(switches),
                switched_ms / bare_ms);
    return 0;
}
