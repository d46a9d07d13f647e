#include "runtime/error_text.hpp"

#include <cstdio>
#include <lua.hpp>

namespace luaos {

namespace {

std::string capped(const char* text, std::size_t len) {
    if (len <= kMaxErrorBytes) return {text, len};
    std::string result(text, kMaxErrorBytes);
    result += "... (error message truncated)";
    return result;
}

}  // namespace

std::string error_text(lua_State* L, int index) {
    switch (lua_type(L, index)) {
        case LUA_TSTRING: {
            size_t len = 0;
            const char* text = lua_tolstring(L, index, &len);
            return capped(text, len);
        }
        case LUA_TNUMBER: {
            // Formatted here rather than by lua_tolstring, which would allocate
            // a Lua string outside any protected call.
            char buffer[64];
            if (lua_isinteger(L, index)) {
                std::snprintf(buffer, sizeof buffer, LUA_INTEGER_FMT, lua_tointeger(L, index));
            } else {
                std::snprintf(buffer, sizeof buffer, LUA_NUMBER_FMT, lua_tonumber(L, index));
            }
            return buffer;
        }
        default:
            return std::string("error object is a ") + luaL_typename(L, index) + " value";
    }
}

}  // namespace luaos
