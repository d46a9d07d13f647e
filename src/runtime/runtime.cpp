#include "luaos/runtime.hpp"

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <lua.hpp>

#include "luaos/detail/runtime_allocator.hpp"
#include "luaos/detail/task.hpp"
#include "runtime/allocator.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/cpu_budget.hpp"
#include "runtime/doom.hpp"
#include "runtime/memory_errors.hpp"
#include "runtime/preemption.hpp"
#include "runtime/process_names.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/sandbox.hpp"
#include "runtime/task_handlers.hpp"

namespace luaos {

Runtime::Runtime(RuntimeOptions options, std::shared_ptr<MemoryCap> cap) : options_(options) {
    if (options_.quantum == 0 || options_.quantum > std::numeric_limits<int>::max()) {
        throw std::invalid_argument("RuntimeOptions::quantum must be from 1 to INT_MAX");
    }
    if (options_.time_slice_us < kMinTimeSliceUs) {
        throw std::invalid_argument("RuntimeOptions::time_slice_us must be at least " +
                                    std::to_string(kMinTimeSliceUs));
    }
    allocator_ = std::make_unique<Allocator>(std::move(cap), [this](MemoryAccount&, MemoryRefusal refusal, bool again) {
        on_memory_refused(refusal == MemoryRefusal::ClusterCap, again);
    });
    stack_overflow_.reserve(kStackOverflowTextBytes);
    L_ = lua_newstate(Allocator::lua_alloc, allocator_.get());
    if (L_ == nullptr) throw std::bad_alloc();
    // Every thread created later copies the main thread's extra space, so any
    // lua_State of this runtime leads back to it (Runtime::of).
    Runtime* self = this;
    std::memcpy(lua_getextraspace(L_), &self, sizeof self);
    sandbox_install(L_);
    preemption_ = make_preemption(options_);
    chunks_ = std::make_unique<ChunkCache>(L_);
    process_names_ = std::make_unique<ProcessNames>();
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

std::size_t Runtime::memory_used() const { return allocator_->used(); }

void Runtime::install_task_handlers(std::unique_ptr<TaskHandlers> handlers) { task_handlers_ = std::move(handlers); }

void Runtime::enter_slice(Task& task) {
    current_ = &task;
    stack_overflow_.clear();
    slice_work_ = 0;
    slice_instructions_ = 0;
    allocator_->charge_to(task.memory_account());
    preemption_->arm(task.running_thread());
}

void Runtime::leave_slice() {
    if (const std::uint64_t overrun = preemption_->disarm(current_->running_thread())) {
        current_->set_slice_debt_ns(current_->slice_debt_ns() + overrun);
    }
    allocator_->charge_to(nullptr);
    current_ = nullptr;
}

bool Runtime::charge_slice_work(std::uint64_t work) {
    slice_work_ += work;
    return within_cpu_budget();
}

bool Runtime::charge_instructions(std::uint64_t instructions) {
    slice_instructions_ += instructions;
    return charge_slice_work(instructions);
}

std::string Runtime::memory_error_text() const {
    if (last_refusal_by_cap_) return "not enough memory: the cluster's memory cap is reached";
    return "not enough memory: the VM's memory limit of " + std::to_string(options_.memory_limit) + " bytes is reached";
}

namespace {

std::string ordinal(std::uint32_t n) {
    const char* suffix = "th";
    if (n % 100 < 11 || n % 100 > 13) {
        if (n % 10 == 1) suffix = "st";
        if (n % 10 == 2) suffix = "nd";
        if (n % 10 == 3) suffix = "rd";
    }
    return std::to_string(n) + suffix;
}

}  // namespace

// A refusal again, after Lua's emergency collection, is usually a memory
// error: note whether it is a runaway recursion's. (Not always: Lua shrinks
// a stack by allocating a smaller one, and a refusal there is no error.)
void Runtime::on_memory_refused(bool cluster_cap, bool again) {
    last_refusal_by_cap_ = cluster_cap;
    if (again && current_ != nullptr) memory_error_note_refusal(*this, current_->running_thread());
}

// Lua raised its memory error in the running process, which caught it. Each
// cost a full collection of the shared state, so a process that keeps
// running into the limit is doomed as well (RuntimeOptions::memory_errors_allowed).
void Runtime::count_memory_error() {
    if (current_ == nullptr || current_->doomed()) return;
    const std::uint32_t errors = task_handlers_->note_memory_error(*current_, options_.memory_error_window);
    if (errors <= options_.memory_errors_allowed) return;
    doom(*this, *current_, TaskEnding::Failed,
         memory_error_text() + " (the " + ordinal(errors) + " memory error within " +
             std::to_string(options_.memory_error_window) + " ticks)");
    doom_hasten(current_->running_thread());
}

void* runtime_allocate(Runtime& runtime, std::size_t bytes) { return RuntimeAccess::allocator(runtime).allocate_object(bytes); }

void runtime_deallocate(Runtime& runtime, void* memory, std::size_t bytes) noexcept {
    RuntimeAccess::allocator(runtime).free_object(memory, bytes);
}

bool cpu_budget_charge(lua_State* L, std::uint64_t steps) {
    Runtime& runtime = Runtime::of(L);
    Task* task = RuntimeAccess::current_task(runtime);
    if (task == nullptr) return true;
    if (task->doomed()) return false;
    if (RuntimeAccess::charge_slice_work(runtime, steps)) return true;
    doom_for_cpu(L, *task);
    return false;
}

}  // namespace luaos
