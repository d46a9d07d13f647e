#include "kernel/process_random.hpp"

#include <lua.hpp>
#include <random>

#include "kernel/kernel_access.hpp"
#include "kernel/process_api_state.hpp"
#include "kernel/shared_kernel.hpp"
#include "luaos/os.hpp"
#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/sandbox.hpp"

namespace luaos {
namespace {

std::uint64_t rotl(std::uint64_t x, int n) { return (x << n) | (x >> (64 - n)); }

// SplitMix64's finalizer: spreads a counter-like value over all 64 bits.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t host_process_seed() {
    static const std::uint64_t seed = [] {
        std::random_device device;
        return (std::uint64_t{device()} << 32) ^ device();
    }();
    return seed;
}

std::uint64_t runtime_seed(Runtime& runtime) {
    const KernelOptions& options = SharedKernel::of(runtime).options;
    if (options.random_seed) return *options.random_seed;
    return runtime.options().preemption == PreemptionMode::InstructionCount ? 0 : host_process_seed();
}

Process& caller(lua_State* L, const char* what) {
    Process* process = current_process(Runtime::of(L));
    if (process == nullptr) luaL_error(L, "%s works only inside a process", what);
    return *process;
}

ProcessRandom& generator_of(Process& process) {
    ProcessApiState& io = KernelAccess::ensure_api_state(process);
    if (!io.random) {
        io.random = std::make_unique<ProcessRandom>();
        std::uint64_t n1 = 0;
        std::uint64_t n2 = 0;
        process_random_default_seed(process, n1, n2);
        io.random->seed(n1, n2);
    }
    return *io.random;
}

// lmathlib.c's project: a uniform value in [0, n] from `ran`, drawing again
// while the value masked to n's bits is past n.
lua_Unsigned project(lua_Unsigned ran, lua_Unsigned n, ProcessRandom& random) {
    if ((n & (n + 1)) == 0) return ran & n;  // n + 1 is a power of 2
    lua_Unsigned lim = n;
    lim |= lim >> 1;
    lim |= lim >> 2;
    lim |= lim >> 4;
    lim |= lim >> 8;
    lim |= lim >> 16;
    lim |= lim >> 32;
    while ((ran &= lim) > n) ran = random.next();
    return ran;
}

// math.random([m [, n]]) as in Lua 5.4.
int math_random(lua_State* L) {
    ProcessRandom& random = generator_of(caller(L, "math.random"));
    const std::uint64_t value = random.next();
    lua_Integer low = 1;
    lua_Integer up = 0;
    switch (lua_gettop(L)) {
        case 0:
            lua_pushnumber(L, static_cast<lua_Number>(value >> 11) * 0x1.0p-53);
            return 1;
        case 1:
            up = luaL_checkinteger(L, 1);
            if (up == 0) {  // math.random(0): all 64 bits
                lua_pushinteger(L, static_cast<lua_Integer>(value));
                return 1;
            }
            break;
        case 2:
            low = luaL_checkinteger(L, 1);
            up = luaL_checkinteger(L, 2);
            break;
        default: return luaL_error(L, "math.random: wrong number of arguments");
    }
    luaL_argcheck(L, low <= up, 1, "interval is empty");
    const lua_Unsigned drawn =
        project(value, static_cast<lua_Unsigned>(up) - static_cast<lua_Unsigned>(low), random);
    lua_pushinteger(L, static_cast<lua_Integer>(drawn + static_cast<lua_Unsigned>(low)));
    return 1;
}

// math.randomseed([n1 [, n2]]): seeds the calling process's generator only;
// without arguments, from the host's random device. Returns the two halves.
int math_randomseed(lua_State* L) {
    ProcessRandom& random = generator_of(caller(L, "math.randomseed"));
    lua_Integer n1 = 0;
    lua_Integer n2 = 0;
    if (lua_isnone(L, 1)) {
        std::random_device device;
        n1 = static_cast<lua_Integer>((std::uint64_t{device()} << 32) ^ device());
        n2 = static_cast<lua_Integer>((std::uint64_t{device()} << 32) ^ device());
    } else {
        n1 = luaL_checkinteger(L, 1);
        n2 = luaL_optinteger(L, 2, 0);
    }
    random.seed(static_cast<std::uint64_t>(n1), static_cast<std::uint64_t>(n2));
    lua_pushinteger(L, n1);
    lua_pushinteger(L, n2);
    return 2;
}

// Sets the two functions in the table behind the read-only view `library.math`.
void replace_in(lua_State* L, Dialect dialect) {
    const int top = lua_gettop(L);
    sandbox_push_library(L, dialect);
    lua_getfield(L, -1, LUA_MATHLIBNAME);
    if (lua_getmetatable(L, -1) != 0 && lua_getfield(L, -1, "__index") == LUA_TTABLE) {
        lua_pushcfunction(L, math_random);
        lua_setfield(L, -2, "random");
        lua_pushcfunction(L, math_randomseed);
        lua_setfield(L, -2, "randomseed");
    }
    lua_settop(L, top);
}

}  // namespace

void ProcessRandom::seed(std::uint64_t n1, std::uint64_t n2) {
    state[0] = n1;
    state[1] = 0xff;  // avoids an all-zero state
    state[2] = n2;
    state[3] = 0;
    for (int i = 0; i < 16; ++i) next();
}

// xoshiro256**, as Lua 5.4 writes it.
std::uint64_t ProcessRandom::next() {
    const std::uint64_t state0 = state[0];
    const std::uint64_t state1 = state[1];
    const std::uint64_t state2 = state[2] ^ state0;
    const std::uint64_t state3 = state[3] ^ state1;
    const std::uint64_t result = rotl(state1 * 5, 7) * 9;
    state[0] = state0 ^ state3;
    state[1] = state1 ^ state2;
    state[2] = state2 ^ (state1 << 17);
    state[3] = rotl(state3, 45);
    return result;
}

void process_random_default_seed(const Process& process, std::uint64_t& n1, std::uint64_t& n2) {
    const Os& os = process.os();
    const SharedKernel& shared = SharedKernel::of(os.runtime());
    n1 = mix(runtime_seed(os.runtime()) ^ mix(shared.vm_serial_of(os)));
    n2 = mix(n1 ^ process.pid());
}

void process_random_install(lua_State* L) {
    replace_in(L, Dialect::Lua);
    replace_in(L, Dialect::Luau);
}

}  // namespace luaos
