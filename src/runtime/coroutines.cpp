#include "runtime/coroutines.hpp"

#include <lua.hpp>

#include "luaos/detail/task.hpp"
#include "luaos/runtime.hpp"
#include "runtime/doom.hpp"
#include "runtime/caught_errors.hpp"
#include "runtime/preemption.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/wrapped_builtin.hpp"

namespace luaos {
namespace {

enum ResumeKind : lua_KContext { kResume = 0, kWrap = 1 };

// The thread a slice resumes, and the one preemption must reach, is the
// innermost coroutine the process is running: the one resumed, or the one
// whose __close handlers run while it is being closed.
void enter_thread(Task* task, lua_State* thread) {
    if (task == nullptr) return;
    task->set_running_thread(thread);
    RuntimeAccess::preemption(Runtime::of(thread)).switch_thread(thread);
}

// Closing runs the coroutine's pending __close handlers on its own stack.
int close_thread(lua_State* L, lua_State* co) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    enter_thread(task, co);
    int status = lua_resetthread(co);
    enter_thread(task, L);
    return status;
}

lua_State* coroutine_of(lua_State* L, lua_KContext kind) {
    if (kind == kWrap) return lua_tothread(L, lua_upvalueindex(1));
    return lua_tothread(L, 1);
}

// resume's results: true plus the values, or false plus the error.
int finish_resume(lua_State* L, lua_State* co, int status, int nres) {
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushboolean(L, 0);
            lua_pushliteral(L, "too many results to resume");
            return 2;
        }
        lua_pushboolean(L, 1);
        lua_xmove(co, L, nres);
        return nres + 1;
    }
    // The error first, then false below it: when `co` is L itself (a
    // coroutine resuming the running one), the message is already on top.
    lua_xmove(co, L, 1);
    caught_error(L, status);
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
}

// wrap's results: the values, or the error raised in the caller.
int finish_wrap(lua_State* L, lua_State* co, int status, int nres) {
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres)) {
            lua_pop(co, nres);
            return luaL_error(L, "too many results to resume");
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    int code = status;
    // A coroutine that died in an error still holds its pending __close
    // variables; resetting runs them and leaves the final error on its stack.
    if (lua_status(co) != LUA_OK) code = close_thread(L, co);
    lua_xmove(co, L, 1);
    if (caught_error(L, code)) code = LUA_ERRRUN;  // a stack overflow, as Lua raises it
    if (code != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

int resume_continue(lua_State* L, int status, lua_KContext kind);


// Resumes `co` with the `nargs` values on top of L's stack until it yields for
// the script, returns or fails; passes the scheduler's preemptions upward.
int resume_step(lua_State* L, lua_State* co, int nargs, lua_KContext kind) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    for (;;) {
        enter_thread(task, co);
        int nres = 0;
        int status = lua_resume(co, L, nargs, &nres);
        enter_thread(task, L);
        // A doomed process runs no more of the script's code: not even the
        // __close handlers a failed wrap would run, which could be reached
        // with the hook disabled (runtime/doom.hpp).
        if (task != nullptr && task->doomed()) {
            if (status != LUA_OK && status != LUA_YIELD) caught_error(co, status);
            return doom_enforce(L, *task);
        }
        bool preempted = status == LUA_YIELD && task != nullptr && task->preempting();
        if (!preempted) {
            return kind == kWrap ? finish_wrap(L, co, status, nres) : finish_resume(L, co, status, nres);
        }
        lua_pop(co, nres);
        if (lua_isyieldable(L)) {
            enter_thread(task, co);
            return lua_yieldk(L, 0, kind, resume_continue);
        }
        // The resumer sits behind a C call boundary and cannot pass the
        // preemption up: keep running the coroutine, on the CPU budget.
        task->set_preempting(false);
        if (!RuntimeAccess::within_cpu_budget(Runtime::of(L))) {
            doom_for_cpu(L, *task);
            return doom_enforce(L, *task);
        }
        nargs = 0;
    }
}

int resume_continue(lua_State* L, int, lua_KContext kind) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    if (task != nullptr) task->set_preempting(false);
    return resume_step(L, coroutine_of(L, kind), 0, kind);
}

int co_resume(lua_State* L) {
    lua_State* co = lua_tothread(L, 1);
    luaL_argexpected(L, co != nullptr, 1, "coroutine");
    int nargs = lua_gettop(L) - 1;
    if (!lua_checkstack(co, nargs)) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "too many arguments to resume");
        return 2;
    }
    lua_xmove(L, co, nargs);
    return resume_step(L, co, nargs, kResume);
}

int co_wrapped_call(lua_State* L) {
    lua_State* co = lua_tothread(L, lua_upvalueindex(1));
    int nargs = lua_gettop(L);
    if (!lua_checkstack(co, nargs)) return luaL_error(L, "too many arguments to resume");
    lua_xmove(L, co, nargs);
    return resume_step(L, co, nargs, kWrap);
}

// coroutine.close runs the coroutine's pending __close handlers; a doomed
// process must not (see resume_step).
int co_close(lua_State* L) {
    Task* task = RuntimeAccess::current_task(Runtime::of(L));
    if (task != nullptr && task->doomed()) return doom_enforce(L, *task);
    lua_State* co = lua_tothread(L, 1);
    lua_Debug frame;
    // Only a suspended or dead coroutine can be closed: Lua refuses the others
    // with an error, which stock close raises before running any handler.
    const bool closable = co != nullptr && co != L && (lua_status(co) != LUA_OK || lua_getstack(co, 0, &frame) == 0);
    if (!closable) return call_wrapped_builtin(L);
    // Stock close runs the handlers on the coroutine's own stack, where
    // preemption must reach them; for a closable coroutine it raises nothing.
    enter_thread(task, co);
    const int results = call_wrapped_builtin(L);
    enter_thread(task, L);
    if (task != nullptr && task->doomed()) return doom_enforce(L, *task);
    return results;
}

int co_wrap(lua_State* L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State* co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, co_wrapped_call, 1);
    return 1;
}

}  // namespace

void push_coroutine_library(lua_State* L) {
    // create, yield, status, running and isyieldable keep Lua's own meaning: a
    // created thread inherits the creator's hook, so it is preempted.
    luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 0);
    lua_pushcfunction(L, co_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, co_wrap);
    lua_setfield(L, -2, "wrap");
    lua_getfield(L, -1, "close");
    lua_pushcclosure(L, co_close, 1);
    lua_setfield(L, -2, "close");
}

}  // namespace luaos
