#include "runtime/caught_errors.hpp"

#include <cctype>
#include <lua.hpp>
#include <string>
#include <string_view>

#include "luaos/detail/task.hpp"
#include "luaos/runtime.hpp"
#include "runtime/memory_errors.hpp"
#include "runtime/runtime_access.hpp"

namespace luaos {
namespace {

// Whether `message` starts with a place, "chunk:line: ", as luaL_error writes it.
bool has_place(std::string_view message) {
    for (std::size_t colon = message.find(':'); colon != std::string_view::npos; colon = message.find(':', colon + 1)) {
        std::size_t end = colon + 1;
        while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end])) != 0) ++end;
        if (end > colon + 1 && end + 1 < message.size() && message[end] == ':' && message[end + 1] == ' ') return true;
        if (message.substr(0, colon).find('\n') != std::string_view::npos) return false;
    }
    return false;
}

// The error that told of the doom, with the place the script called from
// when it has none (a builtin called by pcall itself has no caller of its own).
void explain_doom(lua_State* L, TaskHandlers& kernel, Task& task) {
    std::size_t length = 0;
    const char* text = lua_tolstring(L, -1, &length);
    std::string_view message(text, length);
    // A message the reason starts with ("not enough memory", a re-raised
    // reason, explained or not) tells nothing more.
    if (message.empty() || std::string_view(kernel.doom_reason(task)).starts_with(message)) return;
    std::string detail;
    if (!has_place(message)) {
        lua_Debug frame;
        if (lua_getstack(L, 1, &frame) != 0 && lua_getinfo(L, "Sl", &frame) != 0 && frame.currentline > 0) {
            detail.append(frame.short_src).append(":").append(std::to_string(frame.currentline)).append(": ");
        }
    }
    detail.append(message);
    kernel.explain_doom(task, std::move(detail));
}

}  // namespace

bool caught_error(lua_State* L, int status) {
    const bool replaced = memory_error_caught(L, status);
    Runtime& runtime = Runtime::of(L);
    Task* task = RuntimeAccess::current_task(runtime);
    if (task != nullptr && task->doomed() && lua_type(L, -1) == LUA_TSTRING) {
        explain_doom(L, *RuntimeAccess::task_handlers(runtime), *task);
    }
    return replaced;
}

}  // namespace luaos
