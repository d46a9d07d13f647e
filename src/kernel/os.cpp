#include "luaos/os.hpp"

#include <algorithm>
#include <chrono>
#include <lua.hpp>

#include "kernel/scheduler.hpp"
#include "kernel/slice_clock.hpp"
#include "luaos/observer.hpp"
#include "luaos/runtime.hpp"
#include "runtime/allocator.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/error_text.hpp"
#include "runtime/luau_library.hpp"
#include "runtime/sandbox.hpp"

namespace luaos {
namespace {

struct ThreadRequest {
    int factory_ref;
    Dialect dialect;
    lua_State* thread = nullptr;
    int thread_ref = LUA_NOREF;
    int env_ref = LUA_NOREF;
};

// Runs under lua_pcall: any allocation here may raise a memory error.
int create_thread_protected(lua_State* L) {
    auto* request = static_cast<ThreadRequest*>(lua_touserdata(L, 1));
    sandbox_push_globals(L, request->dialect);
    lua_rawgeti(L, LUA_REGISTRYINDEX, request->factory_ref);
    lua_pushvalue(L, -2);
    luau_push_helpers(L);  // a Lua chunk's factory ignores them
    lua_call(L, 2, 1);  // globals, main
    lua_State* thread = lua_newthread(L);
    lua_rotate(L, -2, 1);  // globals, thread, main
    lua_xmove(L, thread, 1);
    request->thread = thread;
    request->thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    request->env_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

}  // namespace

Os::Os(Runtime& runtime, const VirtualMachine* vm)
    : runtime_(runtime), vm_(vm), memory_(runtime.allocator().open_account(runtime.options().memory_limit)) {}

Os::~Os() {
    processes_.clear();
    runtime_.allocator().close_account(memory_);
}

std::size_t Os::memory_used() const { return memory_->used; }

VmStats Os::stats() const {
    VmStats stats = stats_;
    stats.ticks = ticks_;
    stats.memory = memory_->used;
    stats.memory_peak = memory_->peak;
    return stats;
}

void Os::account_slice(const SliceRecord& slice) {
    stats_.cpu_ns += slice.duration_ns;
    stats_.instructions += slice.instructions;
    ++stats_.slices;
    if (slice.preempted) ++stats_.preemptions;
}

SpawnResult Os::spawn_process(std::string_view code, std::string_view name, Dialect dialect) {
    Pid pid = next_pid_.fetch_add(1, std::memory_order_relaxed);
    auto process = std::unique_ptr<Process>(new (runtime_) Process(*this, pid, std::string(name)));
    ++stats_.processes_spawned;
    Allocator::Charging charging(runtime_.allocator(), process->memory_account());
    SpawnResult result{pid, {}};

    process->set_dialect(dialect);
    CompiledChunk* chunk = runtime_.chunks().acquire(code, name, dialect, result.error);
    if (chunk != nullptr) {
        lua_State* L = runtime_.lua();
        ThreadRequest request{chunk->factory_ref, dialect};
        lua_pushcfunction(L, create_thread_protected);
        lua_pushlightuserdata(L, &request);
        if (lua_pcall(L, 1, 0, 0) == LUA_OK) {
            process->attach(request.thread, request.thread_ref, request.env_ref, chunk);
        } else {
            result.error = error_text(L, -1);
            lua_pop(L, 1);
            runtime_.chunks().release(chunk);
        }
    }
    if (!result.ok()) process->fail(result.error);
    if (ProcessObserver* observer = runtime_.observer()) observer->on_spawn(*process);
    processes_.push_back(std::move(process));
    return result;
}

void Os::tick() {
    SliceClockScope clock(runtime_);
    ++ticks_;
    for (std::size_t i = 0; i < processes_.size(); ++i) {
        Process& process = *processes_[i];
        if (!process.is_finished()) scheduler_run_slice(runtime_, process);
    }
    ProcessObserver* observer = runtime_.observer();
    std::erase_if(processes_, [observer](const std::unique_ptr<Process>& process) {
        if (!process->is_finished()) return false;
        if (observer != nullptr) observer->on_exit(*process);
        return true;
    });
    is_finished_ = processes_.empty();
}

double Os::run(std::uint64_t max_ticks) {
    auto start = std::chrono::steady_clock::now();
    for (std::uint64_t tick = 0; tick < max_ticks && !is_finished_; ++tick) this->tick();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

Process* Os::find(Pid pid) const {
    auto it = std::find_if(processes_.begin(), processes_.end(),
                           [pid](const std::unique_ptr<Process>& process) { return process->pid() == pid; });
    return it == processes_.end() ? nullptr : it->get();
}

}  // namespace luaos
