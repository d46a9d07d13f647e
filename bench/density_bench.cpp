// What a VM costs to keep and to start: 1,000,000 VMs with one idle process
// each, resident in this process, against raw Lua 5.4 holding as many bare
// processes (a thread, a closure and its own environment table) and against
// BEAM processes; and what a spawn from an already-compiled script costs.
// Each measurement runs in its own child process (support/isolated.hpp).
//
// A spawn is timed twice. Cold, in memory the process touches for the first
// time: every new 4 KiB page then costs the kernel a page fault, which on a
// virtual machine can cost more than the spawn itself (the benchmark measures
// it and prints it beside). Warm, in memory that as many processes used and
// gave back before: what a server that has been running for a while pays.
//
// usage: luaos_bench_density [vms]

#include <lua.hpp>

#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "support/beam.hpp"
#include "support/isolated.hpp"
#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kIdle = "while true do coroutine.yield() end";
constexpr const char* kDone = "return";

struct Figures {
    double bytes_per_process = 0;  // resident memory
    double lua_bytes_per_process = 0;  // as Lua counts it
    double spawn_us = 0;       // cold
    double warm_spawn_us = 0;  // into memory used before
};

double us_since(Clock::time_point start, long count) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / double(count);
}

// Microseconds per process to create `processes` of them, each held by a
// registry reference.
double raw_spawns(lua_State* L, int factory_ref, long processes) {
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
    return us_since(start, processes);
}

// The least any engine on this interpreter can pay per process: the script
// compiled once as a factory, and per process an environment table, the
// closure the factory returns for it, and a thread resumed once.
// Then the same spawns again, once those processes are collected.
Figures raw_lua(long processes) {
    const double before = resident_bytes();
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    const std::string factory = std::string("local _ENV = ...; return function(...) ") + kIdle + " end";
    luaL_loadstring(L, factory.c_str());
    const int factory_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    const int lua_before = lua_gc(L, LUA_GCCOUNT, 0) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0);
    const double spawn_us = raw_spawns(L, factory_ref, processes);
    lua_gc(L, LUA_GCCOLLECT, 0);
    const int first_ref = factory_ref + 1;
    for (int ref = first_ref; ref < first_ref + processes; ++ref) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        int results = 0;
        lua_resume(lua_tothread(L, -1), L, 0, &results);
        lua_pop(L, 1);
    }
    const double lua_bytes = double(lua_gc(L, LUA_GCCOUNT, 0)) * 1024 + lua_gc(L, LUA_GCCOUNTB, 0) - lua_before;
    const double resident = resident_bytes() - before;
    for (int ref = first_ref + int(processes) - 1; ref >= first_ref; --ref) luaL_unref(L, LUA_REGISTRYINDEX, ref);
    lua_gc(L, LUA_GCCOLLECT, 0);
    const double warm_spawn_us = raw_spawns(L, factory_ref, processes);
    return {resident / double(processes), lua_bytes / double(processes), spawn_us, warm_spawn_us};
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

// The same spawns into memory used before: as many VMs whose processes
// ended at their first tick, removed, and their blocks collected.
double luaos_warm_vms(long vms) {
    Cluster cluster({.threads = 1});
    for (long i = 0; i < vms; ++i) cluster.create_vm().os().spawn_process(kDone, "done.lua");
    std::set<Runtime*> shards;
    cluster.for_each_vm([&](VirtualMachine& vm) { shards.insert(&vm.os().runtime()); });
    cluster.tick();
    for (Runtime* shard : shards) lua_gc(shard->lua(), LUA_GCCOLLECT);
    auto start = Clock::now();
    for (long i = 0; i < vms; ++i) cluster.create_vm().os().spawn_process(kIdle, "idle.lua");
    return us_since(start, vms);
}

// What the kernel takes to give the process a page it has not touched yet.
double first_touch_us_per_page() {
    constexpr std::size_t kBytes = std::size_t{64} << 20;
    const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
    void* memory = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return 0;
    auto* bytes = static_cast<volatile char*>(memory);
    auto start = Clock::now();
    for (std::size_t offset = 0; offset < kBytes; offset += page) bytes[offset] = 1;
    const double us = us_since(start, long(kBytes / page));
    munmap(memory, kBytes);
    return us;
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
    const double warm_vm_us = isolated<double>([&] { return luaos_warm_vms(vms); });
    const Figures spawns = isolated<Figures>([&] { return luaos_spawns(vms / 4); });
    const double page_us = isolated<double>(first_touch_us_per_page);
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
    std::printf("\nspawn from an already-compiled script, per process, in us: cold (memory touched for the first\n"
                "time) and warm (memory that as many processes used before)\n");
    std::printf("%-44s %8s %8s %8s %8s\n", "", "cold", "vs raw", "warm", "vs raw");
    std::printf("%-44s %8.3f %7.2fx %8.3f %7.2fx\n", "raw Lua 5.4: thread + closure + env", raw.spawn_us, 1.0,
                raw.warm_spawn_us, 1.0);
    std::printf("%-44s %8.3f %7.2fx %8.3f %7.2fx\n", "luaos: a new VM and its process", engine.spawn_us,
                engine.spawn_us / raw.spawn_us, warm_vm_us, warm_vm_us / raw.warm_spawn_us);
    std::printf("%-44s %8.3f %7.2fx %8s\n", "luaos: Os::spawn_process, all into one VM", spawns.spawn_us,
                spawns.spawn_us / raw.spawn_us, "-");
    std::printf("first touch of a page: %.3f us per %ld bytes, %.3f us for the %.0f bytes of one VM\n", page_us,
                sysconf(_SC_PAGESIZE), page_us * engine.bytes_per_process / double(sysconf(_SC_PAGESIZE)),
                engine.bytes_per_process);
    if (beam.available) {
        std::printf("%-44s %8.3f %7.2fx\n", "BEAM: spawn", beam.spawn_us, beam.spawn_us / raw.spawn_us);
    } else {
        std::printf("BEAM: erl not found (scripts/install-deps bench installs erlang-base)\n");
    }
    return 0;
}
