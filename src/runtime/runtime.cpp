#include "luaos/runtime.hpp"

#include <cstring>
#include <lua.hpp>

#include "luaos/process.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/preemption.hpp"
#include "runtime/sandbox.hpp"

namespace luaos {

Runtime::Runtime(RuntimeOptions options) : options_(options) {
    L_ = luaL_newstate();
    // Every thread created later copies the main thread's extra space, so any
    // lua_State of this runtime leads back to it (Runtime::of).
    Runtime* self = this;
    std::memcpy(lua_getextraspace(L_), &self, sizeof self);
    sandbox_install(L_);
    preemption_ = make_instruction_count_preemption(options_.quantum);
    chunks_ = std::make_unique<ChunkCache>(L_);
}

Runtime::~Runtime() {
    chunks_.reset();
    lua_close(L_);
}

Runtime& Runtime::of(lua_State* L) {
    Runtime* runtime = nullptr;
    std::memcpy(&runtime, lua_getextraspace(L), sizeof runtime);
    return *runtime;
}

void Runtime::enter_slice(Process& process) {
    current_ = &process;
    preemption_->arm(process.running_thread());
}

void Runtime::leave_slice() {
    preemption_->disarm(current_->running_thread());
    current_ = nullptr;
}

}  // namespace luaos
