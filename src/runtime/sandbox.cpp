#include "runtime/sandbox.hpp"

#include <cstring>
#include <lua.hpp>

#include "luaos/process.hpp"
#include "luaos/runtime.hpp"
#include "runtime/coroutines.hpp"

namespace luaos {
namespace {

// Registry keys: the addresses are unique, the values unused.
const char kLibraryKey = 0;
const char kGlobalsMetatableKey = 0;

// print() writes into the calling process's stdout, never the host's.
int sandbox_print(lua_State* L) {
    int n = lua_gettop(L);
    luaL_Buffer line;
    luaL_buffinit(L, &line);
    for (int i = 1; i <= n; ++i) {
        if (i > 1) luaL_addchar(&line, '\t');
        luaL_tolstring(L, i, nullptr);
        luaL_addvalue(&line);
    }
    luaL_addchar(&line, '\n');
    luaL_pushresult(&line);
    size_t len = 0;
    const char* text = lua_tolstring(L, -1, &len);
    if (Process* process = Runtime::of(L).current_process()) process->write_output({text, len});
    return 0;
}

void push_process_globals(lua_State* L) {
    Process* process = Runtime::of(L).current_process();
    if (process == nullptr) {
        lua_pushnil(L);
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, process->env_ref());
}

// load(chunk [, chunkname [, mode [, env]]]) for text only: a binary chunk can
// forge bytecode that breaks the VM's invariants, and a reader function would
// run script code inside the host's call to the compiler.
int sandbox_load(lua_State* L) {
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
    if (luaL_loadbufferx(L, text, len, chunkname, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (lua_isnone(L, 4)) {
        push_process_globals(L);
    } else {
        lua_pushvalue(L, 4);
    }
    if (lua_setupvalue(L, -2, 1) == nullptr) lua_pop(L, 1);
    return 1;
}

// Copies t[name] for each name from the table at `from` into the table at `to`.
void copy_fields(lua_State* L, int from, int to, const char* const* names) {
    from = lua_absindex(L, from);
    to = lua_absindex(L, to);
    for (; *names != nullptr; ++names) {
        lua_getfield(L, from, *names);
        lua_setfield(L, to, *names);
    }
}

// Base functions that touch nothing outside the process. Left out on purpose:
// dofile, loadfile, require (the host's files), collectgarbage (one script
// could stop or force collection for every VM sharing the state), and load and
// print, which are replaced.
const char* const kBaseFunctions[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal", "rawget",
    "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
    "_VERSION", nullptr};

// The clock and calendar only: nothing that runs programs, touches files,
// reads the environment or ends the host.
const char* const kOsFunctions[] = {"clock", "date", "difftime", "time", nullptr};

void add_library(lua_State* L, int library, const char* name, lua_CFunction open) {
    luaL_requiref(L, name, open, 0);
    lua_setfield(L, library, name);
}

}  // namespace

void sandbox_install(lua_State* L) {
    lua_newtable(L);
    int library = lua_gettop(L);

    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
    copy_fields(L, -1, library, kBaseFunctions);
    lua_pop(L, 1);
    lua_pushcfunction(L, sandbox_print);
    lua_setfield(L, library, "print");
    lua_pushcfunction(L, sandbox_load);
    lua_setfield(L, library, "load");

    add_library(L, library, LUA_TABLIBNAME, luaopen_table);
    add_library(L, library, LUA_MATHLIBNAME, luaopen_math);
    add_library(L, library, LUA_UTF8LIBNAME, luaopen_utf8);

    // string.dump would hand out bytecode, the input binary chunks are made of.
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_setfield(L, library, LUA_STRLIBNAME);

    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
    lua_newtable(L);
    copy_fields(L, -2, -1, kOsFunctions);
    lua_setfield(L, library, LUA_OSLIBNAME);
    lua_pop(L, 1);

    push_coroutine_library(L);
    lua_setfield(L, library, LUA_COLIBNAME);

    lua_newtable(L);
    lua_pushvalue(L, library);
    lua_setfield(L, -2, "__index");
    // Every process's globals share this metatable: a script must not be able
    // to fetch it (and so rewrite every other process's fallback) or replace it.
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kGlobalsMetatableKey);

    lua_rawsetp(L, LUA_REGISTRYINDEX, &kLibraryKey);
}

void sandbox_push_globals(lua_State* L) {
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, -2, LUA_GNAME);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kGlobalsMetatableKey);
    lua_setmetatable(L, -2);
}

}  // namespace luaos
