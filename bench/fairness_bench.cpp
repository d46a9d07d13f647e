// Fair shares and bounded frames, in both preemption modes.
//
// Fairness: 1,000 VMs whose one process never yields, 600 ticks. Reports
// Jain's fairness index (1 is perfectly even) and the largest deviation from
// the mean of the work each VM did (the loop iterations its script counted),
// and the largest deviation of the time its slices took (the deadline mode
// divides time; the same time is not always the same work), first unpaced
// (every VM has a turn every tick), then with each tick limited to a 60 Hz
// frame, where only some VMs get a turn per tick and the turns rotate (their
// counts differ by at most one). Unpaced, the baseline is raw Lua's own
// evenness: how far apart the speeds of coroutines doing the same work are
// (report_raw_lua).
// Frames: the same load paced at 60 ticks per second: how long ticks really
// took against the frame budget, and the longest slice.
//
// usage: luaos_bench_fairness [vms] [ticks]

#include <lua.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernel/kernel_access.hpp"
#include "support/measure.hpp"

using namespace luaos;

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kFrame = std::chrono::nanoseconds(16'666'667);

struct Mode {
    const char* name;
    RuntimeOptions options;
};

// The global `n` of the VM's process: how many iterations it ran. Its
// globals are its main function's first parameter, _ENV
// (src/runtime/chunk_cache.hpp), and the main function is the only frame of
// its thread: the loop is preempted in it.
double iterations_of(VirtualMachine& vm) {
    lua_State* thread = KernelAccess::task(*vm.os().processes().front()).thread();
    lua_Debug main;
    lua_checkstack(thread, 2);
    lua_getstack(thread, 0, &main);
    lua_getlocal(thread, &main, 1);
    lua_getfield(thread, -1, "n");
    const double n = double(lua_tointeger(thread, -1));
    lua_pop(thread, 2);
    return n;
}

struct Spread {
    double mean = 0;
    double deviation = 0;  // the largest, from the mean, relative to it
    double jain = 0;       // Jain's fairness index: 1 when all are equal
};

Spread spread_of(const std::vector<double>& shares) {
    double sum = 0;
    double squares = 0;
    for (double share : shares) {
        sum += share;
        squares += share * share;
    }
    Spread spread;
    spread.mean = sum / double(shares.size());
    for (double share : shares) spread.deviation = std::max(spread.deviation, std::abs(share - spread.mean) / spread.mean);
    spread.jain = sum * sum / (double(shares.size()) * squares);
    return spread;
}

// Raw Lua 5.4's own evenness, the deadline mode's baseline: one state, a
// coroutine per VM with globals of its own (as a process has), each resumed
// `rounds` times for the same 6,600 iterations of the VMs' loop (about a
// 100 us slice here), timed by the wall clock. The same work in unequal times
// is the machine's unevenness; equal slices of time turn it into unequal work.
// Returns the largest deviation of a coroutine's speed from the mean.
double report_raw_lua(int vms, int rounds) {
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_loadstring(L, "return function(_ENV) n = 0 while true do for _ = 1, 6600 do n = n + 1 end "
                           "coroutine.yield() end end") != LUA_OK) {
        std::fprintf(stderr, "raw Lua baseline: %s\n", lua_tostring(L, -1));
        std::exit(1);
    }
    const int factory = lua_gettop(L);
    std::vector<lua_State*> threads;
    std::vector<int> globals;  // registry references, to read each one's count after
    for (int i = 0; i < vms; ++i) {
        lua_State* thread = lua_newthread(L);
        luaL_ref(L, LUA_REGISTRYINDEX);
        lua_pushvalue(L, factory);
        lua_call(L, 0, 1);
        lua_newtable(L);
        lua_getglobal(L, "coroutine");
        lua_setfield(L, -2, "coroutine");
        lua_pushvalue(L, -1);
        globals.push_back(luaL_ref(L, LUA_REGISTRYINDEX));
        lua_xmove(L, thread, 2);
        threads.push_back(thread);
    }
    std::vector<double> seconds(threads.size());
    for (int round = 0; round < rounds; ++round) {
        for (std::size_t i = 0; i < threads.size(); ++i) {
            int results = 0;
            const auto start = Clock::now();
            const int status = lua_resume(threads[i], L, round == 0 ? 1 : 0, &results);
            seconds[i] += std::chrono::duration<double>(Clock::now() - start).count();
            if (status != LUA_YIELD) {
                std::fprintf(stderr, "raw Lua baseline: %s\n", lua_tostring(threads[i], -1));
                std::exit(1);
            }
            lua_settop(threads[i], 0);
        }
    }
    double work = 0;
    for (const int ref : globals) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        work += static_cast<double>(lua_getfield(L, -1, "n") == LUA_TNUMBER ? lua_tointeger(L, -1) : 0);
        lua_pop(L, 2);
    }
    lua_close(L);
    std::vector<double> speed;  // each did the same work, so speed is its inverse time
    for (const double taken : seconds) speed.push_back(1 / taken);
    const Spread spread = spread_of(speed);
    std::printf("%-34s %10.4f %14.1f%% %11s %12.0f %8d-%d\n", "raw Lua 5.4: speed at equal work", spread.jain,
                spread.deviation * 100, "", work / vms, rounds, rounds);
    return spread.deviation;
}

// Returns the largest deviation of a VM's work from the mean.
double report_fairness(const Mode& mode, int vms, int ticks, bool budgeted) {
    Cluster cluster({.runtime = mode.options, .threads = 1});
    for (int i = 0; i < vms; ++i) cluster.create_vm().os().spawn_process("n = 0 while true do n = n + 1 end", "spin.lua");
    for (int tick = 0; tick < ticks; ++tick) {
        if (budgeted) {
            cluster.tick(Clock::now() + kFrame);
        } else {
            cluster.tick();
        }
    }
    std::vector<double> work;
    std::vector<double> time;
    std::uint64_t fewest_turns = ~std::uint64_t{0};
    std::uint64_t most_turns = 0;
    cluster.for_each_vm([&](VirtualMachine& vm) {
        const VmStats stats = vm.os().stats();
        work.push_back(iterations_of(vm));
        time.push_back(double(stats.cpu_ns));
        fewest_turns = std::min(fewest_turns, stats.slices);
        most_turns = std::max(most_turns, stats.slices);
    });
    const Spread work_spread = spread_of(work);
    std::printf("%-34s %10.4f %14.1f%% %10.1f%% %12.0f %8llu-%llu\n", mode.name, work_spread.jain,
                work_spread.deviation * 100, spread_of(time).deviation * 100, work_spread.mean,
                static_cast<unsigned long long>(fewest_turns), static_cast<unsigned long long>(most_turns));
    return work_spread.deviation;
}

void report_frames(const Mode& mode, int vms, int ticks) {
    Cluster cluster({.runtime = mode.options, .threads = 1});
    for (int i = 0; i < vms; ++i) cluster.create_vm().os().spawn_process("while true do end", "spin.lua");
    double longest_tick = 0;
    double total = 0;
    double longest_slice = 0;
    std::uint64_t cut_short = 0;
    cluster.run({.max_ticks = static_cast<std::uint64_t>(ticks), .ticks_per_second = 60, .after_tick = [&] {
                     const TickStats& tick = cluster.last_tick();
                     longest_tick = std::max(longest_tick, double(tick.wall_ns) / 1e6);
                     longest_slice = std::max(longest_slice, double(tick.longest_slice_ns) / 1e6);
                     total += double(tick.wall_ns) / 1e6;
                     if (tick.vms_deferred > 0) ++cut_short;
                 }});
    std::printf("%-34s %10.2f %10.2f %10.2f %12.2f %8llu/%d\n", mode.name, 1e3 / 60, total / ticks, longest_tick,
                longest_slice, static_cast<unsigned long long>(cut_short), ticks);
}

}  // namespace

int main(int argc, char** argv) {
    const int vms = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int ticks = argc > 2 ? std::atoi(argv[2]) : 600;
    const Mode modes[] = {
        {"deadline, 100 us slices", {.time_slice_us = 100}},
        {"deadline, 1000 us slices (default)", {}},
        {"count, quantum 1000 (default)", {.preemption = PreemptionMode::InstructionCount}},
    };
    for (bool budgeted : {false, true}) {
        std::printf("fairness: %d never-yielding VMs, %d ticks, %s, one worker\n", vms, ticks,
                    budgeted ? "each tick at most a 60 Hz frame" : "unpaced");
        std::printf("%-34s %10s %15s %11s %12s %10s\n", "mode", "Jain index", "max deviation", "of time", "mean work",
                    "turns");
        double deadline_deviation = 0;
        for (const Mode& mode : modes) {
            // Unpaced, every VM runs a whole slice every tick: 1000 x 600 slices
            // of a millisecond would take ten minutes.
            if (!budgeted && mode.options.preemption == PreemptionMode::Deadline && mode.options.time_slice_us > 100) {
                continue;
            }
            const double deviation = report_fairness(mode, vms, ticks, budgeted);
            if (mode.options.preemption == PreemptionMode::Deadline) deadline_deviation = deviation;
        }
        if (!budgeted) {
            const double raw = report_raw_lua(vms, ticks);
            std::printf("deadline mode's work deviation against raw Lua's speed deviation: %.2fx\n",
                        deadline_deviation / raw);
        }
        std::printf("\n");
    }

    const int frame_ticks = 120;
    std::printf("frames: %d never-yielding VMs paced at 60 ticks/s for %d ticks (more work than fits)\n", vms / 5,
                frame_ticks);
    std::printf("%-34s %10s %10s %10s %12s %10s\n", "mode", "budget ms", "mean ms", "longest ms", "slice max ms",
                "cut short");
    for (const Mode& mode : modes) report_frames(mode, vms / 5, frame_ticks);
    return 0;
}
