// Luau's table library additions (create, find, clear, clone, freeze,
// isfrozen, Lua 5.0's foreach, foreachi, getn and maxn), its concat and sort,
// and frozen tables.
//
// Lua 5.4 has no read-only flag, and a write to a key a table already holds
// never reaches a metamethod. table.freeze(t) therefore moves t's contents
// into a hidden table and gives t a stand-in metatable: reads go through to
// the contents (`__index`), writes are refused (`__newindex`), `#`, pairs
// and iteration see the contents, and the original metatable's other
// metamethods are copied so that operators still work. The raw functions of
// Luau's library (rawget, rawlen, next, getmetatable, rawset) look through
// the stand-in. A frozen table can never be unfrozen: the stand-in is
// protected, so setmetatable refuses it. Keys that name metamethods stay in
// the table as well, where Lua looks for them when it is another's metatable.

#include <lua.hpp>

#include "runtime/cpu_budget.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/readonly.hpp"
#include "runtime/wrapped_builtin.hpp"

namespace luaos {
namespace {

const char kFrozenKey = 0;  // registry: weak-keyed, frozen table -> its contents

constexpr lua_Integer kChargeEvery = 1024;  // elements per CPU budget charge in long loops

int refuse_write(lua_State* L) { return luaL_error(L, "attempt to modify a readonly table"); }

void push_frozen_registry(lua_State* L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kFrozenKey) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kFrozenKey);
}

bool is_frozen(lua_State* L, int index) {
    if (luau_push_frozen_contents(L, index)) {
        lua_pop(L, 1);
        return true;
    }
    return readonly_is_view(L, index);
}

// The table whose raw contents `index` stands for: its frozen contents or itself.
void push_contents(lua_State* L, int index) {
    if (!luau_push_frozen_contents(L, index)) lua_pushvalue(L, index);
}

bool charge_elements(lua_State* L, lua_Integer done) {
    return done % kChargeEvery != 0 || cpu_budget_charge(L, kChargeEvery);
}

int frozen_len(lua_State* L) {
    lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, lua_upvalueindex(1))));
    return 1;
}

int frozen_next(lua_State* L) {
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)) != 0) return 2;
    lua_pushnil(L);
    return 1;
}

int frozen_pairs(lua_State* L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, frozen_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

// table.create(n [, value]): n slots, allocated at once (so that the memory
// limit refuses a huge n before any work), then filled.
int table_create(lua_State* L) {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= (1 << 30), 1, "size out of range");
    lua_settop(L, 2);  // the value, or nil
    lua_createtable(L, static_cast<int>(n), 0);
    if (!lua_isnoneornil(L, 2)) {
        // A slot costs far less than an instruction: a quarter of a step each.
        if (!cpu_budget_charge(L, static_cast<std::uint64_t>(n) / 4)) return luaL_error(L, "table too large to create");
        for (lua_Integer i = 1; i <= n; ++i) {
            lua_pushvalue(L, 2);
            lua_rawseti(L, -2, i);
        }
    }
    return 1;
}

// table.find(t, value [, init]): the first index from init whose value is
// rawequal to `value`, up to the first nil.
int table_find(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    lua_Integer init = luau_opt_integer(L, 3, 1);
    luaL_argcheck(L, init >= 1, 3, "index out of range");
    push_contents(L, 1);
    int contents = lua_gettop(L);
    for (lua_Integer i = init;; ++i) {
        if (!charge_elements(L, i - init + 1)) return luaL_error(L, "table too large to search");
        if (lua_rawgeti(L, contents, i) == LUA_TNIL) break;
        if (lua_rawequal(L, -1, 2)) {
            lua_pushinteger(L, i);
            return 1;
        }
        lua_pop(L, 1);
    }
    lua_pushnil(L);
    return 1;
}

int table_clear(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_frozen(L, 1)) return refuse_write(L);
    lua_Integer done = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        if (!charge_elements(L, ++done)) return luaL_error(L, "table too large to clear");
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, 1);
    }
    return 0;
}

// The metatable a script would see: a frozen table's original one.
void push_true_metatable(lua_State* L, int index) {
    if (luau_push_frozen_contents(L, index)) {
        if (!lua_getmetatable(L, -1)) lua_pushnil(L);
        lua_remove(L, -2);
        return;
    }
    if (!lua_getmetatable(L, index)) lua_pushnil(L);
}

// table.clone(t): a shallow copy, unfrozen, with the same metatable.
int table_clone(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, readonly_is_view(L, 1) == false, 1, "table has a protected metatable");
    push_true_metatable(L, 1);
    int metatable = lua_gettop(L);
    if (lua_istable(L, metatable)) {
        lua_getfield(L, metatable, "__metatable");
        luaL_argcheck(L, lua_isnil(L, -1), 1, "table has a protected metatable");
        lua_pop(L, 1);
    }
    push_contents(L, 1);
    int contents = lua_gettop(L);
    lua_createtable(L, static_cast<int>(lua_rawlen(L, contents)), 0);
    lua_Integer done = 0;
    lua_pushnil(L);
    while (lua_next(L, contents) != 0) {
        if (!charge_elements(L, ++done)) return luaL_error(L, "table too large to clone");
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
    if (lua_istable(L, metatable)) {
        lua_pushvalue(L, metatable);
        lua_setmetatable(L, -2);
    }
    return 1;
}

// Lua reads a metatable's metamethods raw: a frozen class (`Class.__index =
// Class; table.freeze(Class)`) must keep them in the table itself to go on
// serving as a metatable. They stay there, and so stay assignable.
bool is_metamethod_name(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TSTRING) return false;
    const char* name = lua_tostring(L, index);
    return name[0] == '_' && name[1] == '_';
}

int table_freeze(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argcheck(L, !is_frozen(L, 1), 1, "table is already frozen");
    luaL_argcheck(L, luaL_getmetafield(L, 1, "__metatable") == LUA_TNIL, 1, "table has a protected metatable");
    lua_settop(L, 1);
    bool has_metatable = lua_getmetatable(L, 1) != 0;
    if (!has_metatable) lua_pushnil(L);
    int original = 2;
    lua_newtable(L);  // the contents
    int contents = 3;
    lua_Integer done = 0;
    lua_pushnil(L);
    while (lua_next(L, 1) != 0) {
        if (!charge_elements(L, ++done)) return luaL_error(L, "table too large to freeze");
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, contents);
    }
    lua_pushnil(L);
    while (lua_next(L, contents) != 0) {  // t's keys are the contents' keys
        lua_pop(L, 1);
        if (!is_metamethod_name(L, -1)) {
            lua_pushvalue(L, -1);
            lua_pushnil(L);
            lua_rawset(L, 1);
        }
    }
    lua_newtable(L);  // the stand-in metatable
    int stand_in = 4;
    if (has_metatable) {
        lua_pushvalue(L, original);
        lua_setmetatable(L, contents);  // its __index chain stays behind the contents
        lua_pushnil(L);
        while (lua_next(L, original) != 0) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, stand_in);
        }
    }
    lua_pushvalue(L, contents);
    lua_setfield(L, stand_in, "__index");
    lua_pushcfunction(L, refuse_write);
    lua_setfield(L, stand_in, "__newindex");
    if (lua_getfield(L, stand_in, "__len") == LUA_TNIL) {
        lua_pushvalue(L, contents);
        lua_pushcclosure(L, frozen_len, 1);
        lua_setfield(L, stand_in, "__len");
    }
    lua_pop(L, 1);
    lua_pushvalue(L, contents);
    lua_pushcclosure(L, frozen_pairs, 1);
    lua_setfield(L, stand_in, "__pairs");
    lua_pushnil(L);
    lua_setfield(L, stand_in, "__mode");
    lua_pushboolean(L, 0);
    lua_setfield(L, stand_in, "__metatable");
    lua_pushvalue(L, stand_in);
    lua_setmetatable(L, 1);
    push_frozen_registry(L);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, contents);
    lua_rawset(L, -3);
    lua_settop(L, 1);
    return 1;
}

int table_isfrozen(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushboolean(L, is_frozen(L, 1));
    return 1;
}

// Calls the visitor, argument 2, with the key and value at the indices;
// true, with its result pushed, if that is not nil.
bool visit(lua_State* L, int key, int value) {
    key = lua_absindex(L, key);
    value = lua_absindex(L, value);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, key);
    lua_pushvalue(L, value);
    lua_call(L, 2, 1);
    if (!lua_isnil(L, -1)) return true;
    lua_pop(L, 1);
    return false;
}

// Lua 5.0's table.foreachi(t, f), which Luau keeps: f(i, t[i]) for i = 1,
// #t, read raw, until f returns a value other than nil, which it returns.
int table_foreachi(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    push_contents(L, 1);
    int contents = lua_gettop(L);
    auto n = static_cast<lua_Integer>(lua_rawlen(L, contents));
    for (lua_Integer i = 1; i <= n; ++i) {
        if (!charge_elements(L, i)) return luaL_error(L, "table too large to traverse");
        lua_pushinteger(L, i);
        lua_rawgeti(L, contents, i);
        if (visit(L, -2, -1)) return 1;
        lua_pop(L, 2);
    }
    return 0;
}

// table.foreach(t, f): f(k, v) for every pair, read raw, until f returns a
// value other than nil, which it returns.
int table_foreach(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    push_contents(L, 1);
    int contents = lua_gettop(L);
    lua_Integer done = 0;
    lua_pushnil(L);
    while (lua_next(L, contents) != 0) {
        if (!charge_elements(L, ++done)) return luaL_error(L, "table too large to traverse");
        if (visit(L, -2, -1)) return 1;
        lua_pop(L, 1);
    }
    return 0;
}

// table.getn(t): #t without __len, as Luau's.
int table_getn(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    push_contents(L, 1);
    lua_pushinteger(L, static_cast<lua_Integer>(lua_rawlen(L, -1)));
    return 1;
}

// table.maxn(t): the largest positive number among t's keys whose value is
// not nil, 0 if none.
int table_maxn(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    push_contents(L, 1);
    int contents = lua_gettop(L);
    double max = 0;
    lua_Integer done = 0;
    lua_pushnil(L);
    while (lua_next(L, contents) != 0) {
        if (!charge_elements(L, ++done)) return luaL_error(L, "table too large to traverse");
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) > max) max = lua_tonumber(L, -1);
    }
    lua_pushnumber(L, max);
    return 1;
}

// Luau's table.sort refuses a frozen table, and a comparator that is not a
// function, before it looks at the length (Lua's checks neither when the
// table has fewer than two elements); then Lua's sort, charged.
int table_sort(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_frozen(L, 1)) return refuse_write(L);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    return call_wrapped_builtin(L);
}

// table.concat writing numbers as Luau does; elements read as Lua's does
// (metamethods included), one CPU step each.
int table_concat(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    size_t separator_length = 0;
    if (lua_type(L, 2) == LUA_TNUMBER) {
        luau_push_text(L, 2);
        lua_replace(L, 2);
    }
    const char* separator = luaL_optlstring(L, 2, "", &separator_length);
    lua_Integer first = luau_opt_integer(L, 3, 1);
    lua_Integer last = lua_isnoneornil(L, 4) ? luaL_len(L, 1) : luau_check_integer(L, 4);
    lua_settop(L, 4);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (lua_Integer i = first; i <= last; ++i) {
        if (!charge_elements(L, i - first + 1)) return luaL_error(L, "table too large to concatenate");
        lua_geti(L, 1, i);
        int type = lua_type(L, -1);
        if (type != LUA_TSTRING && type != LUA_TNUMBER) {
            return luaL_error(L, "invalid value (at index %I) in table for 'concat'", i);
        }
        luau_push_text(L, -1);
        lua_remove(L, -2);
        luaL_addvalue(&buffer);
        if (i != last) luaL_addlstring(&buffer, separator, separator_length);
        if (i == last) break;  // last may be the largest integer
    }
    luaL_pushresult(&buffer);
    return 1;
}

// rawget, rawlen, next: on a frozen table, its contents.
int through_frozen(lua_State* L) {
    if (luau_push_frozen_contents(L, 1)) lua_replace(L, 1);
    return call_wrapped_builtin(L);
}

int luau_rawset(lua_State* L) {
    if (lua_istable(L, 1) && is_frozen(L, 1)) return refuse_write(L);
    return call_wrapped_builtin(L);
}

int luau_getmetatable(lua_State* L) {
    luaL_checkany(L, 1);
    if (lua_type(L, 1) == LUA_TSTRING) {
        luau_push_string_metatable(L);
        return 1;
    }
    if (!luau_push_frozen_contents(L, 1)) return call_wrapped_builtin(L);
    if (!lua_getmetatable(L, -1)) {
        lua_pushnil(L);
        return 1;
    }
    if (lua_getfield(L, -1, "__metatable") != LUA_TNIL) return 1;
    lua_pop(L, 1);
    return 1;
}

}  // namespace

bool luau_push_frozen_contents(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TTABLE || !lua_getmetatable(L, index)) return false;
    lua_pop(L, 1);
    index = lua_absindex(L, index);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kFrozenKey) != LUA_TTABLE) {
        lua_pop(L, 1);
        return false;
    }
    lua_pushvalue(L, index);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 2);
        return false;
    }
    lua_remove(L, -2);
    return true;
}

void luau_table_functions(lua_State* L, int table) {
    const luaL_Reg functions[] = {{"create", table_create}, {"find", table_find},       {"clear", table_clear},
                                  {"clone", table_clone},   {"freeze", table_freeze},   {"isfrozen", table_isfrozen},
                                  {"concat", table_concat}, {"foreach", table_foreach}, {"foreachi", table_foreachi},
                                  {"getn", table_getn},     {"maxn", table_maxn},       {nullptr, nullptr}};
    lua_pushvalue(L, table);
    luaL_setfuncs(L, functions, 0);
    lua_pop(L, 1);
    wrap_builtin(L, table, "sort", table_sort);
}

void luau_frozen_aware_functions(lua_State* L, int library) {
    library = lua_absindex(L, library);
    wrap_builtin(L, library, "rawget", through_frozen);
    wrap_builtin(L, library, "rawlen", through_frozen);
    wrap_builtin(L, library, "next", through_frozen);
    wrap_builtin(L, library, "rawset", luau_rawset);
    wrap_builtin(L, library, "getmetatable", luau_getmetatable);
}

}  // namespace luaos
