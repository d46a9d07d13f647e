#include "runtime/base_library.hpp"

#include <cstring>
#include <lua.hpp>

#include "luaos/detail/task.hpp"
#include "luaos/runtime.hpp"
#include "runtime/allocator.hpp"
#include "runtime/cpu_budget.hpp"
#include "runtime/caught_errors.hpp"
#include "runtime/process_globals.hpp"
#include "runtime/readonly.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/task_handlers.hpp"

namespace luaos {
namespace {

void push_lua_text(lua_State* L, int index) { luaL_tolstring(L, index, nullptr); }

int base_print(lua_State* L) { return print_values(L, push_lua_text); }

// load(chunk [, chunkname [, mode [, env]]]) for text only: a binary chunk can
// forge bytecode that breaks the VM's invariants, and a reader function would
// run script code inside the host's call to the compiler. Compiling is charged
// to the CPU budget, a step per byte, since the compiler never yields.
int base_load(lua_State* L) {
    if (lua_type(L, 1) != LUA_TSTRING) return luaL_typeerror(L, 1, "string (luaos loads text chunks only)");
    size_t len = 0;
    const char* text = lua_tolstring(L, 1, &len);
    const char* chunkname = luaL_optstring(L, 2, text);
    const char* mode = luaL_optstring(L, 3, "bt");
    if (std::strchr(mode, 't') == nullptr) {
        luaL_pushfail(L);
        lua_pushfstring(L, "attempt to load a text chunk (mode is '%s')", mode);
        return 2;
    }
    if (!cpu_budget_charge(L, len)) return luaL_error(L, "chunk too large to compile");
    if (luaL_loadbufferx(L, text, len, chunkname, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (lua_isnone(L, 4)) {
        process_globals_push(L);
    } else {
        lua_pushvalue(L, 4);
    }
    if (lua_setupvalue(L, -2, 1) == nullptr) lua_pop(L, 1);
    return 1;
}

// setmetatable without finalizers: Lua runs __gc outside any process, with
// the hook off, at a time of the collector's choosing, so a finalizer that
// loops would hang the host. Lua only registers an object for finalization
// when its metatable has __gc at the time it is set, so refusing here is
// enough: adding __gc to the metatable later has no effect.
int base_setmetatable(lua_State* L) {
    int type = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    if (type == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "__gc metamethods are not allowed (finalizers would run outside the scheduler)");
        }
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

// rawset bypasses __newindex, the only thing keeping a library view read-only.
int base_rawset(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (readonly_is_view(L, 1)) return luaL_error(L, "attempt to modify a read-only table");
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

// The message handler xpcall installs. When the CPU limit kills a process,
// the error is raised from the count hook, and Lua then runs the message
// handler with hooks still disabled: a handler that loops would never be
// stopped. A doomed process's errors therefore skip the script's handler.
int guarded_handler(lua_State* L) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    if (task != nullptr && task->doomed()) {
        lua_settop(L, 1);
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

// Lua calls no message handler for a memory error; one that stands for a
// stack overflow (runtime/memory_errors.hpp) is handled as Lua would handle
// the stack overflow, unless the process is doomed.
void handle_explained_error(lua_State* L) {
    lua_pushvalue(L, 2);
    lua_insert(L, -2);
    lua_call(L, 1, 1);
}

int finish_xpcall(lua_State* L, int status, lua_KContext extra) {
    if (status != LUA_OK && status != LUA_YIELD) {
        if (caught_error(L, status)) handle_explained_error(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - static_cast<int>(extra);
}

// Lua's pcall, but for the memory error of a runaway recursion, which it
// returns as the stack overflow it stands for.
int finish_pcall(lua_State* L, int status, lua_KContext) {
    if (status != LUA_OK && status != LUA_YIELD) {
        caught_error(L, status);
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    return lua_gettop(L);
}

int base_pcall(lua_State* L) {
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);  // the first result, when f succeeds
    lua_insert(L, 1);
    const int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_pcall);
    return finish_pcall(L, status, 0);
}

int base_xpcall(lua_State* L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);  // the first result, when f succeeds
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);  // below f's arguments: handler, true, f, args...
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_xpcall);
    return finish_xpcall(L, status, 2);
}

// collectgarbage: the VM's own memory ("count", in KiB as Lua gives it),
// and nothing that would run or tune the collector every VM of the state
// shares. "step" does nothing and "isrunning" is always true: the collector
// runs, paced by the whole state.
int base_collectgarbage(lua_State* L) {
    static const char* const kOptions[] = {"collect", "stop",      "restart",   "count",        "step",
                                           "setpause", "setstepmul", "isrunning", "generational", "incremental",
                                           nullptr};
    const char* option = kOptions[luaL_checkoption(L, 1, "collect", kOptions)];
    if (std::strcmp(option, "count") == 0) {
        Runtime& runtime = Runtime::of(L);
        const Task* task = RuntimeAccess::current_task(runtime);
        std::size_t bytes = runtime.memory_used();
        if (task != nullptr && task->memory_account() != nullptr) {
            const MemoryAccount* vm = task->memory_account()->parent();
            bytes = vm != nullptr ? vm->used : task->memory_account()->used;
        }
        lua_pushnumber(L, static_cast<lua_Number>(bytes) / 1024.0);
        return 1;
    }
    if (std::strcmp(option, "isrunning") == 0 || std::strcmp(option, "step") == 0) {
        lua_pushboolean(L, option[0] == 'i');
        return 1;
    }
    return luaL_argerror(L, 1,
                         lua_pushfstring(L, "'%s' would run or tune the collector that every VM of this Lua state "
                                            "shares; luaos allows only 'count', 'step' and 'isrunning'",
                                         option));
}

}  // namespace

// print() writes into the calling process's stdout, never the host's.
int print_values(lua_State* L, void (*push_text)(lua_State* L, int index)) {
    int n = lua_gettop(L);
    luaL_Buffer line;
    luaL_buffinit(L, &line);
    for (int i = 1; i <= n; ++i) {
        if (i > 1) luaL_addchar(&line, '\t');
        push_text(L, i);
        luaL_addvalue(&line);
    }
    luaL_addchar(&line, '\n');
    luaL_pushresult(&line);
    size_t len = 0;
    const char* text = lua_tolstring(L, -1, &len);
    Runtime& runtime = Runtime::of(L);
    if (Task* task = RuntimeAccess::current_task(runtime)) RuntimeAccess::task_handlers(runtime)->write_output(*task, {text, len});
    return 0;
}

void base_library_install(lua_State* L, int library) {
    library = lua_absindex(L, library);
    const luaL_Reg functions[] = {{"print", base_print},   {"load", base_load},     {"setmetatable", base_setmetatable},
                                  {"rawset", base_rawset}, {"xpcall", base_xpcall}, {"pcall", base_pcall},
                                  {"collectgarbage", base_collectgarbage}, {nullptr, nullptr}};
    // Also in the state's own globals, which scripts never see: that is where
    // Lua looks up a function's name for "bad argument #1 to 'setmetatable'".
    lua_pushglobaltable(L);
    for (const luaL_Reg* f = functions; f->name != nullptr; ++f) {
        lua_pushcfunction(L, f->func);
        lua_pushvalue(L, -1);
        lua_setfield(L, library, f->name);
        lua_setfield(L, -2, f->name);
    }
    lua_pop(L, 1);
}

}  // namespace luaos
