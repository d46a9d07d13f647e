#pragma once
// Raw Lua 5.4's side of the scheduling benchmarks: one state, a coroutine per
// process running the same script with a count hook that yields, resumed
// round-robin from C. What any engine on this interpreter pays at least.
// The hook is set once: set again after it yielded, it would skip its next
// firing (runtime/instruction_count_preemption.cpp) and every slice would run
// two quanta.

#include <lua.hpp>

#include <cstddef>
#include <vector>

namespace luaos::bench {

class RawCoroutines {
public:
    RawCoroutines(const char* code, std::size_t processes, int quantum) : L_(luaL_newstate()) {
        luaL_openlibs(L_);
        luaL_loadstring(L_, code);
        threads_.reserve(processes);
        for (std::size_t i = 0; i < processes; ++i) {
            lua_State* thread = lua_newthread(L_);
            lua_sethook(thread, yield_hook, LUA_MASKCOUNT, quantum);
            lua_pushvalue(L_, 1);
            lua_xmove(L_, thread, 1);
            luaL_ref(L_, LUA_REGISTRYINDEX);
            threads_.push_back(thread);
        }
    }
    ~RawCoroutines() { lua_close(L_); }
    RawCoroutines(const RawCoroutines&) = delete;
    RawCoroutines& operator=(const RawCoroutines&) = delete;

    // One slice of every coroutine; `each` runs around every resume.
    template <typename Around>
    void tick(Around&& each) {
        for (lua_State* thread : threads_) {
            each([&] {
                int results = 0;
                lua_resume(thread, L_, 0, &results);
            });
        }
    }
    void tick() {
        tick([](auto&& resume) { resume(); });
    }

private:
    static void yield_hook(lua_State* L, lua_Debug*) { lua_yield(L, 0); }

    lua_State* L_;
    std::vector<lua_State*> threads_;
};

}  // namespace luaos::bench
