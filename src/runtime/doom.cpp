#include "runtime/doom.hpp"

#include <cassert>
#include <lua.hpp>
#include <string>

#include "luaos/runtime.hpp"
#include "runtime/preemption.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/task_handlers.hpp"

namespace luaos {
namespace {

// Raises the reason of the doom that stands on `task`.
int raise_doom_reason(lua_State* L, const Task& task) {
    lua_pushstring(L, RuntimeAccess::task_handlers(Runtime::of(L))->doom_reason(task).c_str());
    return lua_error(L);
}

}  // namespace

void doom(Runtime& runtime, Task& task, TaskEnding ending, std::string reason) {
    assert(RuntimeAccess::task_handlers(runtime) != nullptr && "a task runs only on a runtime its kernel set up");
    RuntimeAccess::task_handlers(runtime)->doom(task, ending, std::move(reason));
}

void doom_for_cpu(lua_State* L, Task& task) {
    Runtime& runtime = Runtime::of(L);
    doom(runtime, task, TaskEnding::Killed,
         "process exceeded " + std::to_string(runtime.options().cpu_budget) + " instructions without yielding");
    doom_hasten(L);
}

void doom_hasten(lua_State* thread) {
    if (thread != nullptr) lua_sethook(thread, preemption_hook, LUA_MASKCOUNT, 1);
}

int doom_enforce(lua_State* L, Task& task) {
    doom_hasten(L);
    if (lua_isyieldable(L)) {
        task.set_preempting(true);
        return lua_yield(L, 0);
    }
    return raise_doom_reason(L, task);
}

void doom_enforce_in_hook(lua_State* L, Task& task) {
    doom_hasten(L);
    if (lua_isyieldable(L)) {
        task.set_preempting(true);
        lua_yield(L, 0);  // in a hook this only marks the yield; Lua performs it once we return
        return;
    }
    raise_doom_reason(L, task);
}

}  // namespace luaos
