#include "runtime/wrapped_builtin.hpp"

#include <lua.hpp>

namespace luaos {

int call_wrapped_builtin(lua_State* L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

void wrap_builtin(lua_State* L, int library, const char* name, lua_CFunction guard) {
    library = lua_absindex(L, library);
    lua_getfield(L, library, name);
    lua_pushcclosure(L, guard, 1);
    lua_setfield(L, library, name);
}

}  // namespace luaos
