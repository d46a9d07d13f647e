#include "runtime/readonly.hpp"

#include <lua.hpp>

namespace luaos {
namespace {

const char kViewsKey = 0;  // registry: the set of views, as keys

int refuse_write(lua_State* L) { return luaL_error(L, "attempt to modify a read-only table"); }

// next() over the library behind a view: upvalue 1 is the library.
int view_next(lua_State* L) {
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)) == 0) {
        lua_pushnil(L);
        return 1;
    }
    return 2;
}

int view_pairs(lua_State* L) {
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushcclosure(L, view_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

}  // namespace

void readonly_push_view(lua_State* L, int index) {
    index = lua_absindex(L, index);
    lua_newtable(L);  // the view
    lua_createtable(L, 0, 4);
    lua_pushvalue(L, index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, refuse_write);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, view_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);

    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kViewsKey) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, LUA_REGISTRYINDEX, &kViewsKey);
    }
    lua_pushvalue(L, -2);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

bool readonly_is_view(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TTABLE) return false;
    index = lua_absindex(L, index);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &kViewsKey) != LUA_TTABLE) {
        lua_pop(L, 1);
        return false;
    }
    lua_pushvalue(L, index);
    bool is_view = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return is_view;
}

}  // namespace luaos
