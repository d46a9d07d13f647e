// What the quantum costs: a CPU-bound script under instruction-count
// preemption at several quanta, against the same script under raw Lua 5.4,
// and the price of one forced switch. Each figure is the best of several runs.
//
// usage: luaos_bench_quantum [iterations]

#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "luaos/luaos.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRepeats = 5;

double best_ms(const std::function<void()>& run) {
    double best = 1e300;
    for (int i = 0; i < kRepeats; ++i) {
        auto start = Clock::now();
        run();
        best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    return best;
}

double raw_lua_ms(const std::string& code) {
    return best_ms([&] {
        lua_State* L = luaL_newstate();
        luaL_openlibs(L);
        if (luaL_loadstring(L, code.c_str()) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
            std::fprintf(stderr, "raw lua: %s\n", lua_tostring(L, -1));
            std::exit(1);
        }
        lua_close(L);
    });
}

struct LuaosRun {
    double ms = 0;
    std::uint64_t slices = 0;
};

LuaosRun luaos_run(const std::string& code, std::uint32_t quantum) {
    LuaosRun result;
    result.ms = best_ms([&] {
        luaos::Runtime runtime({.quantum = quantum});
        luaos::Os os(runtime);
        os.spawn_process(code, "bench.lua");
        result.slices = 0;
        while (!os.is_finished()) {
            os.tick();
            ++result.slices;
        }
    });
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    const long iterations = argc > 1 ? std::atol(argv[1]) : 20'000'000;
    const std::string loop = "local s = 0 for i = 1, " + std::to_string(iterations) + " do s = s + i end";

    const double raw = raw_lua_ms(loop);
    std::printf("CPU-bound loop, %ld iterations (best of %d)\n", iterations, kRepeats);
    std::printf("%-22s %10s %12s %10s %14s\n", "mode", "ms", "ns/iter", "vs raw", "slice (us)");
    std::printf("%-22s %10.1f %12.2f %10s %14s\n", "raw Lua 5.4", raw, raw * 1e6 / double(iterations), "1.00x", "-");
    for (std::uint32_t quantum : {100u, 1000u, 10000u, 100000u}) {
        LuaosRun run = luaos_run(loop, quantum);
        std::printf("%-22s %10.1f %12.2f %9.2fx %14.2f\n", ("quantum " + std::to_string(quantum)).c_str(), run.ms,
                    run.ms * 1e6 / double(iterations), run.ms / raw, run.ms * 1e3 / double(run.slices));
    }

    // A switch: the scheduler resumes a process that yields straight back,
    // against a bare coroutine.resume/yield round trip inside raw Lua.
    const long switches = iterations / 20;
    const std::string yielder = "for i = 1, " + std::to_string(switches) + " do coroutine.yield() end";
    const std::string bare = "local co = coroutine.wrap(function() while true do coroutine.yield() end end) for i = 1, " +
                             std::to_string(switches) + " do co() end";
    const double bare_ms = raw_lua_ms(bare);
    const LuaosRun switched = luaos_run(yielder, luaos::kDefaultQuantum);
    std::printf("\nswitches, %ld round trips\n", switches);
    std::printf("%-34s %10.1f ns\n", "raw Lua resume/yield round trip", bare_ms * 1e6 / double(switches));
    std::printf("%-34s %10.1f ns  (%.2fx)\n", "luaos scheduler slice round trip", switched.ms * 1e6 / double(switches),
                switched.ms / bare_ms);
    return 0;
}
