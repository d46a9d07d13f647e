#pragma once
// math.random and math.randomseed with one generator per process.
//
// Lua's math library keeps one generator per Lua state, and a state is shared
// by every VM of a shard: one script's math.randomseed would steer every
// other script's dice, and what a process draws would depend on who else ran
// in the same state before it. Here each process has its own generator,
// created on its first draw (a process that never draws pays one null
// pointer in its ProcessApiState).
//
// The generator is Lua 5.4's own (xoshiro256**, seeded and projected onto an
// interval exactly as lmathlib.c does), so math.randomseed(n) followed by
// math.random(...) gives the numbers stock Lua 5.4 gives. A process that
// never seeds starts from a seed mixed from the runtime's seed
// (KernelOptions::random_seed), its VM's serial in its cluster (0 for a
// stand-alone Os; SharedKernel::vm_serial) and its PID: in the instruction-count mode the
// runtime's seed defaults to 0, so a run draws the same numbers whatever the
// number of threads and shards; in the deadline mode it defaults to a value
// drawn once per host process.

#include <cstdint>

struct lua_State;

namespace luaos {

class Process;

struct ProcessRandom {
    std::uint64_t state[4] = {};

    // Lua 5.4's setseed: the two halves of a seed, then 16 draws discarded.
    void seed(std::uint64_t n1, std::uint64_t n2);
    std::uint64_t next();
};

// The seed a process starts from (see above).
void process_random_default_seed(const Process& process, std::uint64_t& n1, std::uint64_t& n2);

// Replaces math.random and math.randomseed in the Lua and Luau libraries of
// the runtime on L (runs under lua_pcall: it may raise a memory error).
void process_random_install(lua_State* L);

}  // namespace luaos
