#include "runtime/process_globals.hpp"

#include <cassert>
#include <cstdint>
#include <cstring>
#include <lua.hpp>

#include "luaos/detail/task.hpp"
#include "luaos/runtime.hpp"
#include "runtime/cpu_budget.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos {
namespace {

// The level of the bottom frame of `thread`, or -1 if the CPU budget runs
// out first. Lua reaches a frame by walking down from the top, so the bottom
// is found by doubling the level until it is past the bottom, then halving
// the gap: about d (2 + log2 d) steps for a stack d frames deep, each charged.
int bottom_level(lua_State* L, lua_State* thread) {
    lua_Debug frame;
    bool paid = true;
    auto exists = [&](int level) {
        paid = paid && cpu_budget_charge(L, static_cast<std::uint64_t>(level));
        return paid && lua_getstack(thread, level, &frame) != 0;
    };
    int present = 0;  // level 0 is the top frame, always there
    int absent = 1;
    while (exists(absent)) {
        present = absent;
        absent *= 2;
    }
    while (paid && absent - present > 1) {
        const int middle = present + (absent - present) / 2;
        (exists(middle) ? present : absent) = middle;
    }
    return paid ? present : -1;
}

bool is_name_G(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TSTRING) return false;
    std::size_t length = 0;
    const char* name = lua_tolstring(L, index, &length);
    return length == 2 && name[0] == '_' && name[1] == 'G';
}

}  // namespace

void process_globals_push(lua_State* L) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    if (task == nullptr) {
        lua_pushnil(L);
        return;
    }
    lua_State* thread = task->thread();
    const int bottom = bottom_level(L, thread);
    if (bottom < 0) luaL_error(L, "stack too deep to find the globals");
    if (thread != L && !lua_checkstack(thread, 1)) luaL_error(L, "not enough memory");
    lua_Debug frame;
    lua_getstack(thread, bottom, &frame);
    [[maybe_unused]] const char* name = lua_getlocal(thread, &frame, 1);
    assert(name != nullptr && std::strcmp(name, "_ENV") == 0 && "a process's main function takes _ENV first");
    lua_xmove(thread, L, 1);
}

int process_globals_fallback(lua_State* L) {
    if (!is_name_G(L, 2)) return 0;
    process_globals_push(L);
    if (!lua_istable(L, -1)) return 0;  // the script gave its _ENV another value
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, -3);
    return 1;
}

}  // namespace luaos
