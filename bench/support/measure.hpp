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

#include "luaos/luaos.hpp"

namespace luaos::bench {

inline constexpr int kRepeats = 5;

inline double best_ms(const std::function<void()>& run) {
    double best = 1e300;
    for (int i = 0; i < kRepeats; ++i) {
        auto start = std::chrono::steady_clock::now();
        run();
        best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
}

// `code` in a plain lua_State with the standard libraries.
inline double raw_lua_ms(const std::string& code) {
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

// One run of `code` as the only process of an Os, ticked until it ends;
// `slices` gets the tick count.
inline double once_ms(const std::string& code, const RuntimeOptions& options, ProcessObserver* observer,
                      std::uint64_t* slices = nullptr, Dialect dialect = Dialect::Lua) {
    Runtime runtime(options);
    runtime.set_observer(observer);
    Os os(runtime);
    os.spawn_process(code, "bench.lua", dialect);
    auto start = std::chrono::steady_clock::now();
    std::uint64_t ticks = 0;
    while (!os.is_finished()) {
        os.tick();
        ++ticks;
    }
    if (slices != nullptr) *slices = ticks;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// The best of several such runs.
inline double luaos_ms(const std::string& code, const RuntimeOptions& options, std::uint64_t* slices = nullptr,
                       Dialect dialect = Dialect::Lua) {
    return best_ms([&] { once_ms(code, options, nullptr, slices, dialect); });
}

}  // namespace luaos::bench
