#include "runtime/sandbox.hpp"

#include <lua.hpp>

#include "runtime/base_library.hpp"
#include "runtime/charged_builtins.hpp"
#include "runtime/coroutines.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/patterns.hpp"
#include "runtime/process_globals.hpp"
#include "runtime/readonly.hpp"

namespace luaos {
namespace {

// Registry keys: the addresses are unique, the values unused.
const char kGlobalsMetatableKey = 0;
const char kLuauGlobalsMetatableKey = 0;

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
// dofile, loadfile, require (the host's files); print, load, setmetatable,
// rawset, pcall and xpcall are replaced, and collectgarbage (one script could
// stop or force collection for every VM sharing the state) is reduced to its
// harmless options (runtime/base_library.cpp).
const char* const kBaseFunctions[] = {"assert", "error",    "getmetatable", "ipairs", "next",     "pairs",
                                      "rawequal", "rawget", "rawlen",       "select", "tonumber", "tostring",
                                      "type",   "_VERSION", nullptr};

// The clock and calendar only: nothing that runs programs, touches files,
// reads the environment or ends the host.
const char* const kOsFunctions[] = {"clock", "date", "difftime", "time", nullptr};

// Sets library[name] to a read-only view of the table on top, which it pops.
void set_library(lua_State* L, int library, const char* name) {
    readonly_push_view(L, -1);
    lua_setfield(L, library, name);
    lua_pop(L, 1);
}

void open_library(lua_State* L, int library, const char* name, lua_CFunction open) {
    luaL_requiref(L, name, open, 0);
    set_library(L, library, name);
}

void install_string(lua_State* L, int library) {
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
    // string.dump would hand out bytecode, the stuff binary chunks are made of.
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    patterns_install(L, -1);
    charged_builtins_install_string(L, -1);
    luau_string_install(L, -1);
    readonly_push_view(L, -1);
    // Strings share one metatable, whose __index is the string library
    // itself: getmetatable("") must hand out neither, only a read-only
    // stand-in whose __index is the scripts' view of the library.
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);  // string, view, "", metatable
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, -4);
    lua_setfield(L, -2, "__index");
    readonly_push_view(L, -1);
    lua_setfield(L, -3, "__metatable");
    lua_pop(L, 3);
    lua_setfield(L, library, LUA_STRLIBNAME);
    lua_pop(L, 1);
}

void install_table(lua_State* L, int library) {
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
    charged_builtins_install_table(L, -1);
    set_library(L, library, LUA_TABLIBNAME);
}

void install_os(lua_State* L, int library) {
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
    lua_newtable(L);
    copy_fields(L, -2, -1, kOsFunctions);
    set_library(L, library, LUA_OSLIBNAME);
    lua_pop(L, 1);
}

// Pops the library table on top into a new globals metatable kept at `key`.
// The library falls back on process_globals_fallback, which answers `_G`.
void store_globals_metatable(lua_State* L, const char* key) {
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, process_globals_fallback);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "__index");
    // Every process's globals share this metatable: a script must not be able
    // to fetch it (and so rewrite every other process's fallback) or replace it.
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_rawsetp(L, LUA_REGISTRYINDEX, key);  // the library lives on as the metatable's __index
}

}  // namespace

void sandbox_install(lua_State* L) {
    lua_newtable(L);
    int library = lua_gettop(L);

    luaL_requiref(L, LUA_GNAME, luaopen_base, 0);
    copy_fields(L, -1, library, kBaseFunctions);
    lua_pop(L, 1);
    base_library_install(L, library);

    install_string(L, library);
    install_table(L, library);
    install_os(L, library);
    open_library(L, library, LUA_MATHLIBNAME, luaopen_math);
    open_library(L, library, LUA_UTF8LIBNAME, luaopen_utf8);
    push_coroutine_library(L);
    set_library(L, library, LUA_COLIBNAME);

    luau_library_build(L, library);
    store_globals_metatable(L, &kLuauGlobalsMetatableKey);
    store_globals_metatable(L, &kGlobalsMetatableKey);
}

void sandbox_push_library(lua_State* L, Dialect dialect) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, dialect == Dialect::Luau ? &kLuauGlobalsMetatableKey : &kGlobalsMetatableKey);
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
}

void sandbox_push_globals(lua_State* L, Dialect dialect) {
    lua_createtable(L, 0, 0);  // `_G` comes on first use (runtime/process_globals.hpp)
    lua_rawgetp(L, LUA_REGISTRYINDEX, dialect == Dialect::Luau ? &kLuauGlobalsMetatableKey : &kGlobalsMetatableKey);
    lua_setmetatable(L, -2);
}

}  // namespace luaos
