#pragma once
// What every benchmark here needs: the best of several timed runs, and the
// same script under raw Lua 5.4 as the baseline measured in the same run.

#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "luaos/luaos.hpp"

namespace luaos::bench {

inline constexpr int kRepeats = 5;

// Milliseconds since `start`.
inline double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// How long one call of `run` takes, in milliseconds.
inline double timed_ms(const std::function<void()>& run) {
    auto start = std::chrono::steady_clock::now();
    run();
    return ms_since(start);
}

// Runs each variant once per round, `rounds` rounds, and returns the best
// time of each; a variant runs once and returns how long its measured part
// took, in milliseconds. A shared machine has slow spells that last seconds:
// run one after another, one variant can meet a slow spell and another none,
// and their ratio then says more about the machine than about them. Taking
// turns, every variant meets the same spells.
inline std::vector<double> interleaved_best_ms(const std::vector<std::function<double()>>& variants,
                                               int rounds = kRepeats) {
    std::vector<double> best(variants.size(), 1e300);
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t i = 0; i < variants.size(); ++i) best[i] = std::min(best[i], variants[i]());
    }
    return best;
}

// The best of kRepeats calls of `run`.
inline double best_ms(const std::function<void()>& run) {
    return interleaved_best_ms({[&] { return timed_ms(run); }})[0];
}

// `code` in a plain lua_State with the standard libraries, once.
inline void raw_lua_run(const std::string& code) {
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_loadstring(L, code.c_str()) != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
        std::fprintf(stderr, "raw lua: %s\n", lua_tostring(L, -1));
        std::exit(1);
    }
    lua_close(L);
}

// The best of several such runs.
inline double raw_lua_ms(const std::string& code) {
    return best_ms([&] { raw_lua_run(code); });
}

// raw_lua_run's time, for interleaved_best_ms.
inline double raw_lua_once_ms(const std::string& code) {
    return timed_ms([&] { raw_lua_run(code); });
}

// One run of `code` as the only process of an Os, ticked until it ends;
// `slices` gets the tick count.
inline double once_ms(const std::string& code, const RuntimeOptions& options, ProcessObserver* observer,
                      std::uint64_t* slices = nullptr, Dialect dialect = Dialect::Lua) {
    Runtime runtime(options);
    runtime.set_observer(observer);
    Os os(runtime);
    os.spawn_process(code, "bench.lua", dialect);
    std::uint64_t ticks = 0;
    const double ms = timed_ms([&] {
        while (!os.is_finished()) {
            os.tick();
            ++ticks;
        }
    });
    if (slices != nullptr) *slices = ticks;
    return ms;
}

// The best of several such runs, each timed as once_ms times it: the
// runtime's set-up left out.
inline double luaos_ms(const std::string& code, const RuntimeOptions& options, std::uint64_t* slices = nullptr,
                       Dialect dialect = Dialect::Lua) {
    return interleaved_best_ms({[&] { return once_ms(code, options, nullptr, slices, dialect); }})[0];
}

}  // namespace luaos::bench
