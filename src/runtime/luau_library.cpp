#include "runtime/luau_library.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <lua.hpp>

#include "dialect/luau_numbers.hpp"
#include "luaos/detail/task.hpp"
#include "luaos/runtime.hpp"
#include "runtime/base_library.hpp"
#include "runtime/readonly.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/wrapped_builtin.hpp"

namespace luaos {
namespace {

const char kHelpersKey = 0;  // registry: the translated code's helpers
const char kProxyMark = 0;   // newproxy's userdata carry its address as their user value
const char kStringMetatableKey = 0;  // registry: getmetatable("") for Luau processes

// Appends the value at `index` if it is a string or a number, formatted as
// Luau formats numbers; false for any other value.
bool add_plain(luaL_Buffer* buffer, lua_State* L, int index) {
    if (lua_type(L, index) == LUA_TNUMBER) {
        if (lua_isinteger(L, index)) {
            luaL_addstring(buffer, lua_pushfstring(L, "%I", lua_tointeger(L, index)));
            lua_pop(L, 1);
            return true;
        }
        char text[luau::kNumberBufferSize];
        luaL_addlstring(buffer, text, luau::format_number(lua_tonumber(L, index), text));
        return true;
    }
    if (lua_type(L, index) != LUA_TSTRING) return false;
    size_t length = 0;
    const char* text = lua_tolstring(L, index, &length);
    luaL_addlstring(buffer, text, length);
    return true;
}

bool is_plain(lua_State* L, int index) {
    int type = lua_type(L, index);
    return type == LUA_TNUMBER || type == LUA_TSTRING;
}

// Pushes `left .. right` for the values at the two indices, as Luau does it:
// numbers in Luau's format, otherwise the __concat metamethod of either.
void concat_pair(lua_State* L, int left, int right) {
    left = lua_absindex(L, left);
    right = lua_absindex(L, right);
    if (is_plain(L, left) && is_plain(L, right)) {
        luaL_Buffer buffer;
        luaL_buffinit(L, &buffer);
        add_plain(&buffer, L, left);
        add_plain(&buffer, L, right);
        luaL_pushresult(&buffer);
        return;
    }
    if (luaL_getmetafield(L, left, "__concat") == LUA_TNIL && luaL_getmetafield(L, right, "__concat") == LUA_TNIL) {
        luaL_error(L, "attempt to concatenate %s with %s", luaL_typename(L, left), luaL_typename(L, right));
    }
    lua_pushvalue(L, left);
    lua_pushvalue(L, right);
    lua_call(L, 2, 1);
}

// __luau_cat(a, b, ...): a .. b .. ..., right to left as Lua evaluates a chain.
int helper_cat(lua_State* L) {
    int n = lua_gettop(L);
    bool plain = true;
    for (int i = 1; i <= n && plain; ++i) plain = is_plain(L, i);
    if (plain) {
        luaL_Buffer buffer;
        luaL_buffinit(L, &buffer);
        for (int i = 1; i <= n; ++i) add_plain(&buffer, L, i);
        luaL_pushresult(&buffer);
        return 1;
    }
    lua_pushvalue(L, n);
    for (int i = n - 1; i >= 1; --i) {
        concat_pair(L, i, -1);
        lua_replace(L, -2);
    }
    return 1;
}

// __luau_interp(...): every part as tostring writes it, joined.
int helper_interp(lua_State* L) {
    int n = lua_gettop(L);
    luaL_Buffer buffer;
    luaL_buffinit(L, &buffer);
    for (int i = 1; i <= n; ++i) {
        luau_push_text(L, i);
        luaL_addvalue(&buffer);
    }
    luaL_pushresult(&buffer);
    return 1;
}

int raw_next(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (lua_next(L, 1) != 0) return 2;
    lua_pushnil(L);
    return 1;
}

// __luau_iter(f, s, c): a generic for's values. Luau iterates a table with
// __iter through it, a callable table by calling it, any other table in
// order (its array part, then the rest), and a function as Lua does.
int helper_iter(lua_State* L) {
    lua_settop(L, 3);
    int type = lua_type(L, 1);
    if (type == LUA_TFUNCTION) return 3;
    if (type != LUA_TTABLE && type != LUA_TUSERDATA) {
        return luaL_error(L, "attempt to iterate over a %s value", luaL_typename(L, 1));
    }
    if (luaL_getmetafield(L, 1, "__iter") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    if (type == LUA_TUSERDATA) return 3;  // callable or not, Lua decides
    if (readonly_is_view(L, 1) && luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        lua_call(L, 1, 3);
        return 3;
    }
    if (luaL_getmetafield(L, 1, "__call") != LUA_TNIL) {
        lua_pop(L, 1);
        return 3;
    }
    lua_pushcfunction(L, raw_next);
    if (!luau_push_frozen_contents(L, 1)) lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

int luau_tostring(lua_State* L) {
    luaL_checkany(L, 1);
    luau_push_text(L, 1);
    return 1;
}

int luau_print(lua_State* L) { return print_values(L, luau_push_text); }

// Luau's type() knows buffers.
int luau_type(lua_State* L) {
    luaL_checkany(L, 1);
    if (luau_is_buffer(L, 1)) {
        lua_pushliteral(L, "buffer");
    } else {
        lua_pushstring(L, luaL_typename(L, 1));
    }
    return 1;
}

bool is_proxy(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TUSERDATA) return false;
    bool proxy = lua_getiuservalue(L, index, 1) == LUA_TLIGHTUSERDATA && lua_touserdata(L, -1) == &kProxyMark;
    lua_pop(L, 1);
    return proxy;
}

// newproxy([with_metatable]): an empty userdata, with a fresh empty
// metatable if asked. A metatable set while it has no __gc never makes
// the userdata finalizable (Lua 5.4), so a __gc added later does nothing.
int luau_newproxy(lua_State* L) {
    int type = lua_type(L, 1);
    luaL_argexpected(L, type == LUA_TNONE || type == LUA_TNIL || type == LUA_TBOOLEAN, 1, "nil or boolean");
    bool with_metatable = lua_toboolean(L, 1) != 0;
    lua_newuserdatauv(L, 0, 1);
    lua_pushlightuserdata(L, const_cast<char*>(&kProxyMark));
    lua_setiuservalue(L, -2, 1);
    if (with_metatable) {
        lua_newtable(L);
        lua_setmetatable(L, -2);
    }
    return 1;
}

// typeof(v): type(v), or a userdata's __type; a script's own userdata (a
// proxy) cannot claim a type, as in Luau.
int luau_typeof(lua_State* L) {
    luaL_checkany(L, 1);
    if (lua_type(L, 1) == LUA_TUSERDATA && !luau_is_buffer(L, 1) && !is_proxy(L, 1) &&
        luaL_getmetafield(L, 1, "__type") == LUA_TSTRING) {
        return 1;
    }
    lua_settop(L, 1);
    return luau_type(L);
}

bool needs_escape(char c) { return c == '"' || c == '\\' || c == '\n' || c == '\r'; }

// Pushes the string (or number) at `arg` quoted as Luau's %q quotes it:
// `"`, `\` and a newline after a backslash, `\r` for a carriage return,
// `\000` for a zero byte, every other byte as it is (Lua's %q writes other
// control bytes as decimal escapes, a zero byte as `\0`, and a number as a
// numeral). Built in a userdata, which the VM's memory limit counts.
void push_luau_quoted(lua_State* L, int arg) {
    size_t length = 0;
    const char* text = luaL_checklstring(L, arg, &length);
    size_t size = 2;
    for (size_t i = 0; i < length; ++i) size += needs_escape(text[i]) ? 2 : (text[i] == '\0' ? 4 : 1);
    auto* quoted = static_cast<char*>(lua_newuserdatauv(L, size, 0));
    size_t n = 0;
    quoted[n++] = '"';
    for (size_t i = 0; i < length; ++i) {
        const char c = text[i];
        if (c == '\0') {
            std::memcpy(quoted + n, "\\000", 4);
            n += 4;
        } else if (needs_escape(c)) {
            quoted[n++] = '\\';
            quoted[n++] = c == '\r' ? 'r' : c;
        } else {
            quoted[n++] = c;
        }
    }
    quoted[n++] = '"';
    lua_pushlstring(L, quoted, n);
    lua_remove(L, -2);
}

// Luau's string.format: %s and %* write numbers as tostring does, %q quotes
// as Luau does, %d and the other integer conversions truncate a number
// instead of refusing a fraction.
int luau_format(lua_State* L) {
    luau_float_as_text(L, 1);
    size_t length = 0;
    const char* format = luaL_checklstring(L, 1, &length);
    luaL_Buffer rewritten;
    luaL_buffinit(L, &rewritten);
    int arg = 1;
    for (size_t i = 0; i < length; ++i) {
        luaL_addchar(&rewritten, format[i]);
        if (format[i] != '%') continue;
        if (i + 1 < length && format[i + 1] == '%') {
            luaL_addchar(&rewritten, '%');
            ++i;
            continue;
        }
        ++i;
        const size_t flags_start = i;
        while (i < length && std::strchr("-+ #0123456789.", format[i]) != nullptr) luaL_addchar(&rewritten, format[i++]);
        if (i >= length) break;
        char conversion = format[i];
        ++arg;
        if (conversion == 'q') {
            luau_float_as_text(L, arg);
            push_luau_quoted(L, arg);
            lua_replace(L, arg);
            luaL_buffsub(&rewritten, i - flags_start);  // Luau ignores %q's modifiers
            conversion = 's';
        } else if (conversion == '*' || (conversion == 's' && lua_type(L, arg) == LUA_TNUMBER)) {
            if (lua_isnone(L, arg)) luaL_argerror(L, arg, "no value");
            luau_push_text(L, arg);
            lua_replace(L, arg);
            conversion = 's';
        } else if (std::strchr("dicouxX", conversion) != nullptr && lua_type(L, arg) == LUA_TNUMBER &&
                   !lua_isinteger(L, arg)) {
            double value = lua_tonumber(L, arg);
            if (std::isfinite(value) && std::fabs(value) < 9.2e18) {
                lua_pushinteger(L, static_cast<lua_Integer>(value));
                lua_replace(L, arg);
            }
        }
        luaL_addchar(&rewritten, conversion);
    }
    luaL_pushresult(&rewritten);
    lua_replace(L, 1);
    return call_wrapped_builtin(L);
}

int dialect_format(lua_State* L) {
    if (luau_process_running(L)) return luau_format(L);
    return call_wrapped_builtin(L);
}

// string.split(s [, separator]): the pieces between plain separators (","
// by default); an empty separator splits into single bytes.
int string_split(lua_State* L) {
    luau_floats_as_text(L, 1, 2);
    size_t length = 0;
    size_t separator_length = 0;
    const char* text = luaL_checklstring(L, 1, &length);
    const char* separator = luaL_optlstring(L, 2, ",", &separator_length);
    lua_newtable(L);
    lua_Integer n = 0;
    if (separator_length == 0) {
        for (size_t i = 0; i < length; ++i) {
            lua_pushlstring(L, text + i, 1);
            lua_rawseti(L, -2, ++n);
        }
        return 1;
    }
    size_t start = 0;
    for (;;) {
        const void* found = length - start >= separator_length
                                ? memmem(text + start, length - start, separator, separator_length)
                                : nullptr;
        size_t end = found != nullptr ? static_cast<size_t>(static_cast<const char*>(found) - text) : length;
        lua_pushlstring(L, text + start, end - start);
        lua_rawseti(L, -2, ++n);
        if (found == nullptr) break;
        start = end + separator_length;
    }
    return 1;
}

// Luau's tonumber: a float always. Without a base (or with 10) it reads any
// numeral, fractions included; with another base it reads the string (a
// number as Luau writes it) as C's strtoull does, as Luau does.
int luau_tonumber(lua_State* L) {
    lua_Integer base = luau_opt_integer(L, 2, 10);
    if (base == 10) {
        luaL_checkany(L, 1);
        if (lua_type(L, 1) == LUA_TNUMBER) {
            lua_pushnumber(L, lua_tonumber(L, 1));
            return 1;
        }
        size_t length = 0;
        const char* text = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &length) : nullptr;
        if (text != nullptr && lua_stringtonumber(L, text) == length + 1) {
            lua_pushnumber(L, lua_tonumber(L, -1));
            return 1;
        }
        luaL_pushfail(L);
        return 1;
    }
    luau_float_as_text(L, 1);
    const char* text = luaL_checkstring(L, 1);
    luaL_argcheck(L, 2 <= base && base <= 36, 2, "base out of range");
    char* end = nullptr;
    unsigned long long value = std::strtoull(text, &end, static_cast<int>(base));
    if (end != text) {
        while (std::isspace(static_cast<unsigned char>(*end)) != 0) ++end;
        if (*end == '\0') {
            lua_pushnumber(L, static_cast<double>(value));
            return 1;
        }
    }
    luaL_pushfail(L);
    return 1;
}

void add_utf8_functions(lua_State* L, int utf8) { luau_guard_utf8_functions(L, utf8); }

void add_string_functions(lua_State* L, int string) { luau_guard_string_functions(L, string); }

// Luau's string table has its own functions, so a Luau process's
// getmetatable("") has its own stand-in, for `getmetatable("").__index ==
// string` to hold; strings' real metatable stays the shared one.
void store_string_metatable(lua_State* L, int library) {
    lua_createtable(L, 0, 1);
    lua_getfield(L, library, LUA_STRLIBNAME);
    lua_setfield(L, -2, "__index");
    readonly_push_view(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kStringMetatableKey);
    lua_pop(L, 1);
}

void set_view(lua_State* L, int library, const char* name) {
    readonly_push_view(L, -1);
    lua_setfield(L, library, name);
    lua_pop(L, 1);
}

// Pushes a new table with the fields of the table at `source`.
void push_copy(lua_State* L, int source) {
    source = lua_absindex(L, source);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, source) != 0) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

// Luau's copy of one Lua library: the raw Lua table's fields, then `add`.
void derive_library(lua_State* L, int library, const char* name, void (*add)(lua_State*, int)) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, name);
    push_copy(L, -1);
    add(L, lua_gettop(L));
    set_view(L, library, name);
    lua_pop(L, 2);
}

// Luau's os: a copy of the Lua processes' os (the sandbox's few functions,
// never the host's whole library), then Luau's own date, time and difftime.
// The kernel adds the process API to both copies.
void derive_os(lua_State* L, int library, int lua_library) {
    lua_getfield(L, lua_library, LUA_OSLIBNAME);  // a read-only view
    lua_getmetatable(L, -1);
    lua_getfield(L, -1, "__index");
    push_copy(L, -1);
    luau_os_functions(L, lua_gettop(L));
    set_view(L, library, LUA_OSLIBNAME);
    lua_pop(L, 3);
}

}  // namespace

bool luau_process_running(lua_State* L) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    return task != nullptr && task->dialect() == Dialect::Luau;
}

long long luau_check_integer(lua_State* L, int arg) {
    if (lua_isinteger(L, arg)) return lua_tointeger(L, arg);
    double value = luaL_checknumber(L, arg);
    if (!(std::fabs(value) < 9.2e18)) return 0;  // as a C cast would make of it: unspecified; keep it defined
    return static_cast<long long>(value);
}

long long luau_opt_integer(lua_State* L, int arg, long long otherwise) {
    return lua_isnoneornil(L, arg) ? otherwise : luau_check_integer(L, arg);
}

void luau_string_install(lua_State* L, int index) {
    index = lua_absindex(L, index);
    // find, match, gmatch, gsub (runtime/patterns.cpp), rep
    // (runtime/charged_builtins.cpp), format and split convert their own;
    // Luau's copy of the table guards the others (luau_number_text.cpp).
    luau_guard_shared_string_functions(L, index);
    wrap_builtin(L, index, "format", dialect_format);
    lua_pushcfunction(L, string_split);
    lua_setfield(L, index, "split");
}

void luau_push_string_metatable(lua_State* L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &kStringMetatableKey); }

void luau_push_helpers(lua_State* L) { lua_rawgetp(L, LUA_REGISTRYINDEX, &kHelpersKey); }

void luau_library_build(lua_State* L, int lua_library) {
    lua_library = lua_absindex(L, lua_library);
    push_copy(L, lua_library);
    int library = lua_gettop(L);
    const luaL_Reg functions[] = {{"print", luau_print},   {"tostring", luau_tostring}, {"tonumber", luau_tonumber},
                                  {"type", luau_type},     {"typeof", luau_typeof},     {"newproxy", luau_newproxy},
                                  {nullptr, nullptr}};
    luaL_setfuncs(L, functions, 0);
    // Luau keeps Lua 5.1's global unpack.
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_getfield(L, -1, LUA_TABLIBNAME);
    lua_getfield(L, -1, "unpack");
    lua_setfield(L, library, "unpack");
    lua_pop(L, 2);
    lua_pushliteral(L, "Luau");
    lua_setfield(L, library, "_VERSION");
    luau_frozen_aware_functions(L, library);

    derive_library(L, library, LUA_STRLIBNAME, add_string_functions);
    store_string_metatable(L, library);
    derive_library(L, library, LUA_TABLIBNAME, luau_table_functions);
    derive_library(L, library, LUA_MATHLIBNAME, luau_math_functions);
    derive_library(L, library, LUA_UTF8LIBNAME, add_utf8_functions);
    derive_os(L, library, lua_library);
    luau_push_bit32(L);
    set_view(L, library, "bit32");
    luau_push_buffer(L);
    set_view(L, library, "buffer");

    const luaL_Reg helpers[] = {{"cat", helper_cat}, {"interp", helper_interp}, {"iter", helper_iter}, {nullptr, nullptr}};
    luaL_newlib(L, helpers);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kHelpersKey);
}

}  // namespace luaos
