#include "runtime/memory_errors.hpp"

#include <cstdio>
#include <lua.hpp>
#include <string>

#include "luaos/runtime.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos {

void memory_error_note_refusal(Runtime& runtime, lua_State* thread) {
    std::string& note = RuntimeAccess::stack_overflow(runtime);
    lua_Debug frame;
    if (thread == nullptr || lua_getstack(thread, kStackOverflowDepth, &frame) == 0) return;
    // Lua names the function that was calling deeper, as here.
    char text[kStackOverflowTextBytes];
    if (lua_getstack(thread, 0, &frame) != 0 && lua_getinfo(thread, "Sl", &frame) != 0 && frame.currentline > 0) {
        std::snprintf(text, sizeof text, "%s:%d: stack overflow", frame.short_src, frame.currentline);
    } else {
        std::snprintf(text, sizeof text, "stack overflow");
    }
    note.assign(text);  // within the capacity reserved: no allocation
}

bool memory_error_caught(lua_State* L, int status) {
    if (status != LUA_ERRMEM) return false;
    Runtime& runtime = Runtime::of(L);
    RuntimeAccess::count_memory_error(runtime);
    std::string& note = RuntimeAccess::stack_overflow(runtime);
    if (note.empty()) return false;
    lua_pop(L, 1);
    lua_pushlstring(L, note.data(), note.size());
    note.clear();
    return true;
}

}  // namespace luaos
