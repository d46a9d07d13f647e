#include "runtime/doom.hpp"

#include <lua.hpp>
#include <string>

#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/preemption.hpp"

namespace luaos {

void doom_for_cpu(lua_State* L, Process& process) {
    process.doom(ProcessStatus::Killed, "process exceeded " + std::to_string(Runtime::of(L).options().cpu_budget) +
                                            " instructions without yielding");
    doom_hasten(L);
}

void doom_hasten(lua_State* thread) {
    if (thread != nullptr) lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, 1);
}

int doom_enforce(lua_State* L, Process& process) {
    doom_hasten(L);
    if (lua_isyieldable(L)) {
        process.set_preempting(true);
        return lua_yield(L, 0);
    }
    lua_pushstring(L, process.error().c_str());
    return lua_error(L);
}

void doom_enforce_in_hook(lua_State* L, Process& process) {
    doom_hasten(L);
    if (lua_isyieldable(L)) {
        process.set_preempting(true);
        lua_yield(L, 0);  // in a hook this only marks the yield; Lua performs it once we return
        return;
    }
    lua_pushstring(L, process.error().c_str());
    lua_error(L);
}

}  // namespace luaos
