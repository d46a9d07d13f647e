#include "kernel/api_arguments.hpp"

namespace luaos {

void api_argument_error(lua_State* L, const char* function, int arg, const char* message) {
    luaL_error(L, "bad argument #%d to '%s' (%s)", arg, function, message);
    __builtin_unreachable();
}

// What luaL_typeerror calls the value: its metatable's __name, if a string.
void api_type_error(lua_State* L, const char* function, int arg, const char* expected) {
    const char* actual = nullptr;
    if (luaL_getmetafield(L, arg, "__name") == LUA_TSTRING) {
        actual = lua_tostring(L, -1);
    } else if (lua_type(L, arg) == LUA_TLIGHTUSERDATA) {
        actual = "light userdata";
    } else {
        actual = luaL_typename(L, arg);
    }
    api_argument_error(L, function, arg, lua_pushfstring(L, "%s expected, got %s", expected, actual));
}

lua_Integer api_check_integer(lua_State* L, const char* function, int arg) {
    int is_integer = 0;
    const lua_Integer value = lua_tointegerx(L, arg, &is_integer);
    if (is_integer != 0) return value;
    if (lua_isnumber(L, arg)) api_argument_error(L, function, arg, "number has no integer representation");
    api_type_error(L, function, arg, lua_typename(L, LUA_TNUMBER));
}

lua_Integer api_optional_integer(lua_State* L, const char* function, int arg, lua_Integer otherwise) {
    return lua_isnoneornil(L, arg) ? otherwise : api_check_integer(L, function, arg);
}

const char* api_check_string(lua_State* L, const char* function, int arg, std::size_t* length) {
    const char* text = lua_tolstring(L, arg, length);
    if (text == nullptr) api_type_error(L, function, arg, lua_typename(L, LUA_TSTRING));
    return text;
}

const char* api_optional_string(lua_State* L, const char* function, int arg, const char* otherwise) {
    return lua_isnoneornil(L, arg) ? otherwise : api_check_string(L, function, arg);
}

void api_check_type(lua_State* L, const char* function, int arg, int type) {
    if (lua_type(L, arg) != type) api_type_error(L, function, arg, lua_typename(L, type));
}

void api_check_any(lua_State* L, const char* function, int arg) {
    if (lua_type(L, arg) == LUA_TNONE) api_argument_error(L, function, arg, "value expected");
}

}  // namespace luaos
