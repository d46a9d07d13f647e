#pragma once
// Checking the arguments of the process API, with errors that name the
// function ("bad argument #1 to 'os.kill' (not a process id)") however it is
// called.
//
// Lua's luaL_check* name a C function by how its caller reached it: the
// field in `os.kill(0)` ('kill'), the local in `local k = os.kill; k(0)`, and
// a search of the loaded modules when it was called from C, as pcall calls
// it; the process API is in none of them, so `pcall(os.kill, 0)` read '?'.
// These do what luaL_check* do, with the name given. Like them, they raise a
// Lua error (a longjmp): call them where no C++ object is alive.

#include <cstddef>
#include <lua.hpp>

namespace luaos {

// "bad argument #arg to 'function' (message)", at the caller's position.
[[noreturn]] void api_argument_error(lua_State* L, const char* function, int arg, const char* message);
// The same with "<expected> expected, got <type>".
[[noreturn]] void api_type_error(lua_State* L, const char* function, int arg, const char* expected);

lua_Integer api_check_integer(lua_State* L, const char* function, int arg);
lua_Integer api_optional_integer(lua_State* L, const char* function, int arg, lua_Integer otherwise);
const char* api_check_string(lua_State* L, const char* function, int arg, std::size_t* length = nullptr);
const char* api_optional_string(lua_State* L, const char* function, int arg, const char* otherwise);
void api_check_type(lua_State* L, const char* function, int arg, int type);
void api_check_any(lua_State* L, const char* function, int arg);

inline void api_check(lua_State* L, bool ok, const char* function, int arg, const char* message) {
    if (!ok) api_argument_error(L, function, arg, message);
}

}  // namespace luaos
