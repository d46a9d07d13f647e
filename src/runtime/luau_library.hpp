#pragma once
// The library of Luau processes: the Lua library plus Luau's additions, with
// numbers written as Luau writes them (docs/luau.md).
//
// Luau processes get their own library table, built once per Runtime beside
// the Lua one and shared by every Luau process in the same way: read-only
// views behind a protected globals metatable. The string library is the one
// exception: every string shares one metatable, so `s:format(...)` cannot
// tell a Luau caller by its table; string.format asks which dialect the
// running process speaks instead, and string.split is there for both.

struct lua_State;

namespace luaos {

// Builds the Luau library from the Lua library table at `lua_library` and
// leaves it on the stack. Also keeps the translated code's helpers
// (__luau_cat, __luau_interp, __luau_iter) in the registry.
void luau_library_build(lua_State* L, int lua_library);

// Pushes the helpers' table, which every compiled chunk receives once
// (runtime/chunk_cache.hpp).
void luau_push_helpers(lua_State* L);

// string.format made dialect-aware, and string.split, in the raw string
// library at `index`.
void luau_string_install(lua_State* L, int index);

// Pushes Luau's tostring of the value at `index`.
void luau_push_text(lua_State* L, int index);

// Lua's libraries take a number where they want a string and write it as Lua
// does ("5.0"); a Luau process must get Luau's text ("5"). If the value at
// `index` is a float and the running process speaks Luau, replaces it by
// Luau's text. Every library function that turns a number argument into a
// string calls this (or the range form) first; a Lua process pays a type test.
void luau_float_as_text(lua_State* L, int index);
void luau_floats_as_text(lua_State* L, int first, int last);

// Guards builtins in the table at the index so that their string arguments
// get luau_floats_as_text (luau_number_text.cpp): Luau's copy of the string
// library (byte, len, lower, upper, reverse, sub, pack, packsize), the
// shared one (unpack), Luau's copy of utf8 (codes, codepoint, len, offset).
void luau_guard_string_functions(lua_State* L, int string_library);
void luau_guard_shared_string_functions(lua_State* L, int string_library);
void luau_guard_utf8_functions(lua_State* L, int utf8_library);

// Pushes what getmetatable("") gives a Luau process: a read-only stand-in
// whose __index is Luau's string table.
void luau_push_string_metatable(lua_State* L);

// Whether the running process speaks Luau.
bool luau_process_running(lua_State* L);

// A number argument as Luau converts it to an integer: truncated.
long long luau_check_integer(lua_State* L, int arg);
long long luau_opt_integer(lua_State* L, int arg, long long otherwise);

// The parts below fill Luau's tables: the functions Luau adds or changes.
void luau_table_functions(lua_State* L, int table);  // luau_table.cpp
void luau_math_functions(lua_State* L, int math);    // luau_math.cpp
void luau_os_functions(lua_State* L, int os);        // luau_os.cpp
void luau_push_bit32(lua_State* L);                  // bit32.cpp
void luau_push_buffer(lua_State* L);                 // buffer.cpp
// Frozen tables (luau_table.cpp): the guarded base functions that must see
// through a frozen table's stand-in metatable, set in the library at `index`.
void luau_frozen_aware_functions(lua_State* L, int library);
// A frozen table's contents, pushed; false (nothing pushed) if not frozen.
bool luau_push_frozen_contents(lua_State* L, int index);
// Whether the value at `index` is a buffer (buffer.cpp).
bool luau_is_buffer(lua_State* L, int index);

}  // namespace luaos
