// What host functions cost (docs/embedding.md), as ratios measured in one run:
// - an immediate host call (arguments and results copied as HostValues)
//   against the same C function registered in stock Lua 5.4, each called N
//   times from a Lua loop (the goal: at most 1.5x);
// - an asynchronous call's round trip (the process parks, the host completes
//   the call, the process resumes on the next tick) against a forced
//   preemption's round trip (the process's slice runs out and it resumes on
//   the next tick), one per tick each, in the instruction-count mode.
//
// usage: luaos_bench_host_call [calls] [ticks]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

int raw_add(lua_State* L) {
    lua_pushinteger(L, luaL_checkinteger(L, 1) + luaL_checkinteger(L, 2));
    return 1;
}

std::string loop_script(const char* function, long calls) {
    return "local add = " + std::string(function) + " local s = 0 for i = 1, " + std::to_string(calls) +
           " do s = add(s, i) end assert(s == " + std::to_string(calls * (calls + 1) / 2) + ")";
}

double raw_lua_ms(long calls) {
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    lua_register(L, "add", raw_add);
    const std::string code = loop_script("add", calls);
    if (luaL_loadstring(L, code.c_str()) != LUA_OK) std::exit(1);
    const double ms = timed_ms([&] {
        if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
            std::fprintf(stderr, "raw lua: %s\n", lua_tostring(L, -1));
            std::exit(1);
        }
    });
    lua_close(L);
    return ms;
}

HostLibrary game_library() {
    HostLibrary game("game");
    game.add("add", [](HostCall& call) { call.push(call.arg(0).integer() + call.arg(1).integer()); });
    game.add_async("ping", [](AsyncCall call) { call.complete(); });
    return game;
}

struct Failed : ProcessObserver {
    void on_exit(const Process& process) override {
        if (process.status() == ProcessStatus::Finished) return;
        std::fprintf(stderr, "%s: %s\n", process.name().c_str(), process.error().c_str());
        std::exit(1);
    }
};

// Milliseconds to run `code` to its end as the only process of a cluster;
// `ticks` gets how many ticks that took.
double cluster_ms(const std::string& code, RuntimeOptions options, std::uint64_t* ticks = nullptr) {
    Cluster cluster({.runtime = options, .kernel = {.keep_output = false}});
    cluster.add_host_library(game_library());
    Failed failed;
    cluster.set_observer(&failed);
    cluster.create_vm().os().spawn_process(code, "bench.lua");
    RunStats stats;
    const double ms = timed_ms([&] { stats = cluster.run({.max_ticks = UINT64_MAX}); });
    if (ticks != nullptr) *ticks = stats.ticks;
    return ms;
}

}  // namespace

int main(int argc, char** argv) {
    const long calls = argc > 1 ? std::atol(argv[1]) : 5'000'000;
    const long ticks = argc > 2 ? std::atol(argv[2]) : 200'000;

    std::printf("immediate host call: %ld calls of add(s, i) from a Lua loop (best of %d, taking turns)\n", calls,
                kRepeats);
    const std::vector<double> call_ms = interleaved_best_ms({
        [&] { return raw_lua_ms(calls); },
        [&] { return cluster_ms(loop_script("game.add", calls), RuntimeOptions{}); },
    });
    std::printf("%-48s %10s %10s %8s\n", "", "ms", "ns/call", "ratio");
    std::printf("%-48s %10.1f %10.1f %7.2fx\n", "stock Lua 5.4, a C function", call_ms[0], call_ms[0] * 1e6 / calls, 1.0);
    std::printf("%-48s %10.1f %10.1f %7.2fx\n", "luaos, an immediate host function (deadline)", call_ms[1],
                call_ms[1] * 1e6 / calls, call_ms[1] / call_ms[0]);

    std::printf("\nround trips through the scheduler, one per tick: %ld ticks (instruction-count mode, quantum 100)\n",
                ticks);
    RuntimeOptions count;
    count.preemption = PreemptionMode::InstructionCount;
    count.quantum = 100;
    // The busy loop runs about 30 iterations per 100-instruction slice: its
    // ticks are counted, not assumed.
    std::uint64_t preempted_ticks = 0;
    std::uint64_t async_ticks = 0;
    const std::vector<double> trip_ms = interleaved_best_ms({
        [&] {
            return cluster_ms("local n = 0 while n < " + std::to_string(ticks * 30) + " do n = n + 1 end", count,
                            &preempted_ticks);
        },
        [&] { return cluster_ms("for i = 1, " + std::to_string(ticks) + " do game.ping() end", count, &async_ticks); },
    });
    const double preempted_ns = trip_ms[0] * 1e6 / double(preempted_ticks);
    const double async_ns = trip_ms[1] * 1e6 / double(async_ticks);
    std::printf("%-48s %10s %10s %10s %8s\n", "", "ms", "ticks", "ns/trip", "ratio");
    std::printf("%-48s %10.1f %10llu %10.1f %7.2fx\n", "forced preemption (slice used up)", trip_ms[0],
                static_cast<unsigned long long>(preempted_ticks), preempted_ns, 1.0);
    std::printf("%-48s %10.1f %10llu %10.1f %7.2fx\n", "asynchronous call completed at once", trip_ms[1],
                static_cast<unsigned long long>(async_ticks), async_ns, async_ns / preempted_ns);
}
