// What a VM costs to keep and to start: 1,000,000 VMs with one idle process
// each, resident in this process, against raw Lua 5.4 holding as many bare
// processes (a thread, a closure and its own environment table) and against
// BEAM processes; and what a spawn from an already-compiled script costs.
// Each measurement runs in its own child process (support/isolated.hpp).
//
// usage: luaos_bench_density [vms]

#include <lua.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "support/beam.hpp"
#include "support/isolated.hpp"
#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kIdle = "while true do coroutine.yield() end";

struct Figures {
    double bytes_per_process = 0;  // resident memory
    double lua_bytes_per_process = 0;  // as Lua counts it
    double spawn_us = 0;
};

double us_since(Clock::time_point start, long count) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / double(count);
}

// The least any engine on this interpreter can pay per process: the script
// compiled once as a factory, and per process an environment table, the
// closure the factory returns for it, and a thread resumed once.
Figures raw_lua(long processes) {
    const double before = resident_bytes();
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    const std::string factory = std::string("local _ENV = ...; return function(...) ") + kIdle + " end";
    luaL_loadstring(L, factory.c_str());
    const int factory_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    const int lua_before = lua_gc(L, LUA_GCCOUNT, 0) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0);
    auto start = Clock::now();
    for (long i = 0; i < processes; ++i) {
        lua_State* thread = lua_newthread(L);
        lua_rawgeti(L, LUA_REGISTRYINDEX, factory_ref);
        lua_createtable(L, 0, 0);
        lua_getglobal(L, "coroutine");  // the environment needs what the script calls
        lua_setfield(L, -2, "coroutine");
        lua_call(L, 1, 1);
        lua_xmove(L, thread, 1);
        luaL_ref(L, LUA_REGISTRYINDEX);
    }
    const double spawn_us = us_since(start, processes);
    lua_gc(L, LUA_GCCOLLECT, 0);
    for (int ref = factory_ref + 1; ref <= factory_ref + processes; ++ref) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        int results = 0;
        lua_resume(lua_tothread(L, -1), L, 0, &results);
        lua_pop(L, 1);
    }
    const double lua_bytes = double(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0) - lua_before;
    return {(resident_bytes() - before) / double(processes), lua_bytes / double(processes), spawn_us};
}

// luaos: a cluster on one worker, each VM with one process of the same
// (already compiled) script, ticked once so that every process has run.
Figures luaos_vms(long vms) {
    const double before = resident_bytes();
    Cluster cluster({.threads = 1});
    cluster.create_vm().os().spawn_process(kIdle, "idle.lua");  // compiles it
    auto start = Clock::now();
    for (long i = 1; i < vms; ++i) cluster.create_vm().os().spawn_process(kIdle, "idle.lua");
    const double spawn_us = us_since(start, vms - 1);
    cluster.tick();
    std::size_t lua_bytes = 0;
    cluster.for_each_vm([&](VirtualMachine& vm) { lua_bytes += vm.os().memory_used(); });
    return {(resident_bytes() - before) / double(vms), double(lua_bytes) / double(vms), spawn_us};
}

// Spawning alone: many processes into one existing VM (with room for them all).
Figures luaos_spawns(long processes) {
    Runtime runtime({.memory_limit = std::size_t{1} << 40});
    Os os(runtime);
    os.spawn_process(kIdle, "idle.lua");
    auto start = Clock::now();
    for (long i = 1; i < processes; ++i) os.spawn_process(kIdle, "idle.lua");
    return {0, 0, us_since(start, processes - 1)};
}

}  // namespace

int main(int argc, char** argv) {
    const long vms = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    const Figures raw = isolated<Figures>([&] { return raw_lua(vms); });
    const Figures engine = isolated<Figures>([&] { return luaos_vms(vms); });
    const Figures spawns = isolated<Figures>([&] { return luaos_spawns(vms / 4); });
    const BeamFigures beam = beam_figures(vms);

    std::printf("%ld idle processes, resident memory per process (one VM each for luaos)\n", vms);
    std::printf("%-40s %12s %12s %10s\n", "", "bytes", "Lua bytes", "vs raw");
    std::printf("%-40s %12.0f %12.0f %9.2fx\n", "raw Lua 5.4: thread + closure + env", raw.bytes_per_process,
                raw.lua_bytes_per_process, 1.0);
    std::printf("%-40s %12.0f %12.0f %9.2fx   (%.2f GB for %ld VMs)\n", "luaos: VM + Os + process, all included",
                engine.bytes_per_process, engine.lua_bytes_per_process,
                engine.bytes_per_process / raw.bytes_per_process, engine.bytes_per_process * double(vms) / 1e9, vms);
    if (beam.available) {
        std::printf("%-40s %12.0f %12s %9.2fx\n", "BEAM (OTP, erlang:memory(processes))", beam.bytes_per_process, "-",
                    beam.bytes_per_process / raw.bytes_per_process);
    }
    std::printf("\nspawn from an already-compiled script, per process\n");
    std::printf("%-40s %10.3f us\n", "raw Lua 5.4: thread + closure + env", raw.spawn_us);
    std::printf("%-40s %10.3f us  (%.2fx)\n", "luaos: Os::spawn_process into one VM", spawns.spawn_us,
                spawns.spawn_us / raw.spawn_us);
    std::printf("%-40s %10.3f us  (%.2fx)\n", "luaos: a new VM and its process", engine.spawn_us,
                engine.spawn_us / raw.spawn_us);
    if (beam.available) {
        std::printf("%-40s %10.3f us  (%.2fx)\n", "BEAM: spawn", beam.spawn_us, beam.spawn_us / raw.spawn_us);
    } else {
        std::printf("BEAM: erl not found (scripts/install-deps installs erlang-base)\n");
    }
    return 0;
}
