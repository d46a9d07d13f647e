#include "runtime/traceback.hpp"

#include <lua.hpp>
#include <string_view>

#include "runtime/error_text.hpp"

namespace luaos {
namespace {

int push_traceback(lua_State* L) {
    luaL_traceback(L, static_cast<lua_State*>(lua_touserdata(L, 1)), nullptr, 0);
    return 1;
}

// The last line is the process's main function, "\tx.lua:5: in function <x.lua:1>".
void name_main_chunk(std::string& traceback) {
    const std::size_t line = traceback.rfind("\n\t");
    if (line == std::string::npos) return;
    const std::string_view last = std::string_view(traceback).substr(line + 2);
    const std::size_t colon = last.find(':');
    if (colon == std::string_view::npos) return;
    const std::string_view source = last.substr(0, colon);
    const std::string main = std::string(" in function <").append(source).append(":1>");
    if (!last.ends_with(main)) return;
    traceback.replace(traceback.size() - main.size(), main.size(), " in main chunk");
}

}  // namespace

std::string stack_traceback(lua_State* L, lua_State* thread) {
    lua_pushcfunction(L, push_traceback);
    lua_pushlightuserdata(L, thread);
    std::string text;
    if (lua_pcall(L, 1, 1, 0) == LUA_OK) {
        text = error_text(L, -1);
        name_main_chunk(text);
    }
    lua_pop(L, 1);
    return text;
}

}  // namespace luaos
