// Numbers as Luau writes them, wherever the libraries make a string of one.
//
// Luau has one number type, the double, and writes an integral one without
// a point (`5`); Lua 5.4 writes a float with one (`5.0`). print, tostring,
// `..` and interpolation use luau_push_text. The libraries' own conversions
// happen inside Lua's C functions (luaL_checklstring turns a number argument
// into Lua's text in place), so every function that takes a string gets its
// float arguments replaced by Luau's text first, when a Luau process runs:
// Lua's string and utf8 functions through guards (luau_guard_*_functions),
// our own functions (patterns, string.rep, format, split, table.concat,
// buffer, io.write, os.spawn, ...) by calling luau_floats_as_text, which
// asks for the dialect only when it sees a float.
//
// Every string has the one metatable, so method calls (`s:sub(i)`) reach the
// string table both dialects share. Guards there would slow every Lua
// process's `s:sub(i, i)` (docs/luau.md, "Cost"); so the functions whose only
// string is the receiver are guarded in Luau's own copy of the table only
// (a method call's receiver is a string already), and the shared table
// guards only what a method call can still pass a number to: unpack's data,
// and our own functions, whose checks cost a type test.

#include <array>
#include <atomic>
#include <cstddef>
#include <lua.hpp>

#include "dialect/luau_numbers.hpp"
#include "runtime/luau_library.hpp"

namespace luaos {
namespace {

// The raw builtins the guards below call: Lua's own C functions, the same in
// every Lua state of the host process, stored as each runtime's library is
// built (the same values each time).
enum Slot : int {
    kByte, kLen, kLower, kUpper, kReverse, kSub, kPack, kPackSize, kUnpack,
    kCodes, kCodepoint, kUtf8Len, kOffset, kSlots
};
std::array<std::atomic<lua_CFunction>, kSlots> raw_builtins;

// A builtin whose first `Count` arguments are strings: floats among them
// become Luau's text, then the builtin runs on the same stack. A light C
// function calling the builtin directly: a Lua process pays a type test and
// an indirect call, not a closure's upvalues nor a second Lua call.
template <int S, int Count>
int guarded(lua_State* L) {
    luau_floats_as_text(L, 1, Count);
    return raw_builtins[S].load(std::memory_order_relaxed)(L);
}

struct Guard {
    const char* name;
    Slot slot;
    lua_CFunction guard;
};

// Luau's own copy of the string table: functions whose only string is the
// first argument, which a method call (`s:sub(i)`) makes a string already.
constexpr Guard kStringGuards[] = {
    {"byte", kByte, guarded<kByte, 1>},         {"len", kLen, guarded<kLen, 1>},
    {"lower", kLower, guarded<kLower, 1>},      {"upper", kUpper, guarded<kUpper, 1>},
    {"reverse", kReverse, guarded<kReverse, 1>}, {"sub", kSub, guarded<kSub, 1>},
    {"pack", kPack, guarded<kPack, 1>},         {"packsize", kPackSize, guarded<kPackSize, 1>},
};
// The string table both dialects share, which method calls reach:
// `fmt:unpack(data)` takes a second string.
constexpr Guard kSharedStringGuards[] = {
    {"unpack", kUnpack, guarded<kUnpack, 2>},
};
constexpr Guard kUtf8Guards[] = {
    {"codes", kCodes, guarded<kCodes, 1>},
    {"codepoint", kCodepoint, guarded<kCodepoint, 1>},
    {"len", kUtf8Len, guarded<kUtf8Len, 1>},
    {"offset", kOffset, guarded<kOffset, 1>},
};

template <std::size_t N>
void install_guards(lua_State* L, int library, const Guard (&guards)[N]) {
    library = lua_absindex(L, library);
    for (const Guard& guard : guards) {
        lua_getfield(L, library, guard.name);
        lua_CFunction raw = lua_tocfunction(L, -1);
        // Called directly, the builtin must be a plain C function: a closure
        // would read the guard's upvalues as its own.
        bool plain = raw != nullptr;
        if (plain && lua_getupvalue(L, -1, 1) != nullptr) {
            lua_pop(L, 1);
            plain = false;
        }
        lua_pop(L, 1);
        if (!plain || raw == guard.guard) continue;  // not Lua's own, or guarded already

        raw_builtins[guard.slot].store(raw, std::memory_order_relaxed);
        lua_pushcfunction(L, guard.guard);
        lua_setfield(L, library, guard.name);
    }
}

}  // namespace

void luau_guard_string_functions(lua_State* L, int string_library) { install_guards(L, string_library, kStringGuards); }

void luau_guard_shared_string_functions(lua_State* L, int string_library) {
    install_guards(L, string_library, kSharedStringGuards);
}

void luau_guard_utf8_functions(lua_State* L, int utf8_library) { install_guards(L, utf8_library, kUtf8Guards); }

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
