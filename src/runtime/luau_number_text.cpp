// Numbers as Luau writes them, wherever the libraries make a string of one.
//
// Luau has one number type, the double, and writes an integral one without
// a point (`5`); Lua 5.4 writes a float with one (`5.0`). print, tostring,
// `..` and interpolation use luau_push_text. The libraries' own conversions
// happen inside Lua's C functions (luaL_checklstring turns a number argument
// into Lua's text in place), so every function that takes a string gets its
// float arguments replaced by Luau's text first, when a Luau process runs:
// Lua's string and utf8 functions through a guard (luau_wrap_text_arguments),
// our own functions (patterns, string.rep, format, split, table.concat,
// buffer, io.write, os.spawn, ...) by calling luau_floats_as_text. The
// string library is shared by both dialects (every string has the one
// metatable), so the guard asks for the dialect only when it sees a float: a
// Lua process pays a type test per string argument, and no second call.

#include <lua.hpp>

#include "dialect/luau_numbers.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/wrapped_builtin.hpp"

namespace luaos {
namespace {

// A builtin of Lua's string or utf8 library whose first `count` arguments
// are strings (upvalue 2): floats among them become Luau's text first. The
// builtin (upvalue 1) is a C function without upvalues of its own, so it is
// called directly, and a Lua process pays no second call.
int text_arguments(lua_State* L) {
    luau_floats_as_text(L, 1, static_cast<int>(lua_tointeger(L, lua_upvalueindex(2))));
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

// The same for a builtin that is a closure: called through Lua.
int text_arguments_closure(lua_State* L) {
    luau_floats_as_text(L, 1, static_cast<int>(lua_tointeger(L, lua_upvalueindex(2))));
    return call_wrapped_builtin(L);
}

}  // namespace

void luau_wrap_text_arguments(lua_State* L, int library, const LuauTextArguments* functions) {
    library = lua_absindex(L, library);
    for (; functions->name != nullptr; ++functions) {
        lua_getfield(L, library, functions->name);
        bool plain = lua_tocfunction(L, -1) != nullptr;
        if (plain && lua_getupvalue(L, -1, 1) != nullptr) {  // a closure: its upvalue was pushed
            lua_pop(L, 1);
            plain = false;
        }
        lua_pushinteger(L, functions->count);
        lua_pushcclosure(L, plain ? text_arguments : text_arguments_closure, 2);
        lua_setfield(L, library, functions->name);
    }
}

void luau_push_text(lua_State* L, int index) {
    if (lua_type(L, index) == LUA_TNUMBER && !lua_isinteger(L, index)) {
        char text[luau::kNumberBufferSize];
        lua_pushlstring(L, text, luau::format_number(lua_tonumber(L, index), text));
        return;
    }
    luaL_tolstring(L, index, nullptr);
}

void luau_float_as_text(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TNUMBER || lua_isinteger(L, index) || !luau_process_running(L)) return;
    index = lua_absindex(L, index);
    luau_push_text(L, index);
    lua_replace(L, index);
}

void luau_floats_as_text(lua_State* L, int first, int last) {
    for (int i = first; i <= last; ++i) {
        if (lua_type(L, i) != LUA_TNUMBER || lua_isinteger(L, i)) continue;
        if (!luau_process_running(L)) return;
        luau_push_text(L, i);
        lua_replace(L, i);
    }
}

}  // namespace luaos
