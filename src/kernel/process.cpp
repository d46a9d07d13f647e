#include "luaos/process.hpp"

#include <cassert>
#include <lua.hpp>

#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "runtime/chunk_cache.hpp"

namespace luaos {

const char* status_name(ProcessStatus status) {
    switch (status) {
        case ProcessStatus::Ready: return "running";
        case ProcessStatus::Finished: return "finished";
        case ProcessStatus::Failed: return "failed";
        case ProcessStatus::Killed: return "killed";
    }
    return "running";
}

Process::Process(Os& os, Pid pid, std::string name) : os_(os), pid_(pid), name_(std::move(name)) {}

Process::~Process() { release_lua(); }

void Process::attach(lua_State* thread, int thread_ref, int env_ref, CompiledChunk* chunk) {
    assert(thread_ == nullptr && "a process is attached to its thread once");
    thread_ = thread;
    running_ = thread;
    thread_ref_ = thread_ref;
    env_ref_ = env_ref;
    chunk_ = chunk;
}

std::string Process::take_output() {
    std::string taken;
    taken.swap(stdout_);
    return taken;
}

void Process::write_output(std::string_view text) {
    Runtime& runtime = os_.runtime();
    if (runtime.options().keep_output) stdout_.append(text);
    if (ProcessObserver* observer = runtime.observer()) observer->on_output(*this, text);
}

void Process::finish() {
    status_ = ProcessStatus::Finished;
    release_lua();
}

void Process::fail(std::string message) {
    status_ = ProcessStatus::Failed;
    error_ = std::move(message);
    release_lua();
}

void Process::kill(std::string reason) {
    status_ = ProcessStatus::Killed;
    error_ = std::move(reason);
    release_lua();
}

// An ended process gives its thread, globals and compiled code back at once:
// only its record (status, error, output) outlives it.
void Process::release_lua() {
    Runtime& runtime = os_.runtime();
    lua_State* L = runtime.lua();
    if (thread_ref_ != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, thread_ref_);
    if (env_ref_ != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, env_ref_);
    runtime.chunks().release(chunk_);
    thread_ref_ = env_ref_ = LUA_NOREF;
    thread_ = running_ = nullptr;
    chunk_ = nullptr;
}

}  // namespace luaos
