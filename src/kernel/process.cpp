#include "luaos/process.hpp"

#include <cassert>
#include <lua.hpp>

#include "kernel/process_api_state.hpp"
#include "kernel/process_text.hpp"
#include "kernel/shared_kernel.hpp"
#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "luaos/stats.hpp"
#include "runtime/allocator.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/process_names.hpp"
#include "runtime/runtime_access.hpp"

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

const char* state_name(ProcessState state) {
    switch (state) {
        case ProcessState::Running: return "running";
        case ProcessState::Sleeping: return "sleeping";
        case ProcessState::Waiting: return "waiting";
        case ProcessState::Finished: return "finished";
        case ProcessState::Failed: return "failed";
        case ProcessState::Killed: return "killed";
        case ProcessState::NotFound: return "not_found";
    }
    return "not_found";
}

static_assert(sizeof(Process) == 120, "a process keeps its size: a tick visits every one (docs/architecture.md)");

namespace {

TaskEnding ending_for(ProcessStatus status) {
    switch (status) {
        case ProcessStatus::Ready: return TaskEnding::None;
        case ProcessStatus::Finished: return TaskEnding::Finished;
        case ProcessStatus::Failed: return TaskEnding::Failed;
        case ProcessStatus::Killed: return TaskEnding::Killed;
    }
    return TaskEnding::Failed;
}

}  // namespace

Process* current_process(const Runtime& runtime) {
    Task* task = RuntimeAccess::current_task(runtime);
    return task != nullptr ? &Process::of(*task) : nullptr;
}

Process::Process(Os& os, Pid pid, std::string_view name)
    : Task(RuntimeAccess::allocator(os.runtime()).open_sub_account(os.memory_account())),
      pid_(pid),
      os_(os),
      age_{.spawn_tick = os.ticks()},
      name_(RuntimeAccess::process_names(os.runtime()).acquire(name)) {}

void* Process::operator new(std::size_t size, Runtime& runtime) { return RuntimeAccess::allocator(runtime).allocate_object(size); }

void Process::operator delete(void* memory, Runtime& runtime) {
    RuntimeAccess::allocator(runtime).free_object(memory, sizeof(Process));
}

void Process::operator delete(Process* process, std::destroying_delete_t) {
    Allocator& allocator = RuntimeAccess::allocator(process->os_.runtime());
    process->~Process();
    allocator.free_object(process, sizeof(Process));
}

Process::~Process() {
    release_lua();
    RuntimeAccess::allocator(os_.runtime()).close_account(memory_);
    RuntimeAccess::process_names(os_.runtime()).release(name_);
}

ProcessStats Process::stats() const {
    ProcessStats stats;
    usage_.report(stats);
    stats.stdout_bytes = stdout_bytes();
    stats.ticks_alive = is_finished() ? age_.ticks_lived : os_.ticks() - age_.spawn_tick;
    stats.memory = memory_->used;
    stats.memory_peak = memory_->peak;
    return stats;
}

Pid Process::parent() const { return api_state_ ? api_state_->parent : 0; }

ProcessState Process::state() const {
    switch (status_) {
        case ProcessStatus::Finished: return ProcessState::Finished;
        case ProcessStatus::Failed: return ProcessState::Failed;
        case ProcessStatus::Killed: return ProcessState::Killed;
        case ProcessStatus::Ready: break;
    }
    if (!api_state_ || !api_state_->parked) return ProcessState::Running;
    return api_state_->block == BlockReason::Sleep ? ProcessState::Sleeping : ProcessState::Waiting;
}

int Process::exit_code() const {
    switch (status_) {
        case ProcessStatus::Ready: return 0;
        case ProcessStatus::Finished: return api_state_ ? api_state_->exit_code : 0;
        case ProcessStatus::Failed:
        case ProcessStatus::Killed: return kExitFailed;
    }
    return kExitFailed;
}

namespace {
const std::string kNoText;
}  // namespace

const std::string& Process::error() const { return text_ ? text_->error : kNoText; }

const std::string& Process::output() const { return text_ ? text_->output : kNoText; }

const std::string& Process::traceback() const { return text_ ? text_->traceback : kNoText; }

void Process::set_traceback(std::string traceback) {
    if (!traceback.empty()) ensure_text().traceback = std::move(traceback);
}

ProcessText& Process::ensure_text() {
    if (!text_) text_ = std::make_unique<ProcessText>();
    return *text_;
}

ProcessApiState& Process::ensure_api_state() {
    if (!api_state_) api_state_ = std::make_unique<ProcessApiState>();
    return *api_state_;
}

std::uint64_t Process::stdout_bytes() const { return text_ ? text_->stdout_bytes : 0; }

bool Process::gave_up_slice() const { return api_state_ && api_state_->block != BlockReason::None; }

void Process::account_slice(const SliceRecord& slice) {
    usage_.count_slice(slice);
}

void Process::attach(lua_State* thread, int thread_ref, CompiledChunk* chunk) {
    assert(thread_ == nullptr && "a process is attached to its thread once");
    thread_ = thread;
    running_ = thread;
    thread_ref_ = thread_ref;
    chunk_ = chunk;
}

std::string Process::take_output() {
    std::string taken;
    if (text_) {
        taken.swap(text_->output);
        text_->restart_output_limit();
    }
    return taken;
}

// Output is capped by what is pending: kept and not yet taken, or, when it is
// only streamed, written within this slice. A print flood therefore costs the
// host at most output_limit bytes per process, and a host that drains output
// keeps receiving it.
void Process::write_output(std::string_view text) {
    // A child's output goes into its live parent's (ChildOutput::Parent); a
    // parent always has the smaller PID, so the chain ends.
    if (api_state_ && api_state_->output_to_parent && api_state_->parent < pid_) {
        if (Process* parent = os_.find(api_state_->parent); parent != nullptr && !parent->is_finished()) {
            parent->write_output(text);
            return;
        }
    }
    Runtime& runtime = os_.runtime();
    const KernelOptions& options = SharedKernel::of(runtime).options;
    const std::size_t limit = options.output_limit;
    if (text_ && text_->output_truncated) return;
    ProcessText& said = ensure_text();
    std::string marker;
    if (text.size() > limit - said.output_pending) {
        text = text.substr(0, limit - said.output_pending);
        marker = "\n[luaos: output truncated at " + std::to_string(limit) + " bytes]\n";
        said.output_truncated = true;
    }
    said.output_pending += text.size();
    for (std::string_view part : {text, std::string_view(marker)}) {
        if (part.empty()) continue;
        said.stdout_bytes += part.size();
        if (options.keep_output) said.output.append(part);
        if (ProcessObserver* observer = runtime.observer()) observer->on_output(*this, part);
    }
}

void Process::begin_slice() {
    if (SharedKernel::of(os_.runtime()).options.keep_output || !text_) return;
    text_->restart_output_limit();
}

void Process::doom(ProcessStatus how, std::string reason) {
    if (doomed() || is_finished()) return;
    ending_ = ending_for(how);
    ensure_text().error = std::move(reason);
}

std::uint32_t Process::note_memory_error(std::uint32_t window) {
    ProcessText& text = ensure_text();
    const std::uint64_t now = os_.ticks();
    if (text.memory_errors == 0 || now - text.memory_error_tick >= window) {
        text.memory_error_tick = now;
        text.memory_errors = 0;
    }
    return ++text.memory_errors;
}

void Process::explain_doom(std::string detail) {
    if (!doomed() || (text_ && text_->doom_explained)) return;
    ProcessText& text = ensure_text();
    text.error = std::move(detail.append(" (").append(text.error).append(")"));
    text.doom_explained = true;
}

void Process::end_doomed(std::string detail) {
    // The error the thread ended with says where; the doom's reason says why.
    // A detail that is the reason itself, or its start ("not enough memory"),
    // adds nothing.
    std::string reason;
    if (text_) reason.swap(text_->error);
    if (!detail.empty() && !std::string_view(reason).starts_with(detail)) {
        detail.append(" (").append(reason).append(")");
        reason.swap(detail);
    }
    if (ending_ == TaskEnding::Finished) {
        finish();  // os.exit: the "reason" was only what a catching pcall saw
    } else if (ending_ == TaskEnding::Killed) {
        kill(std::move(reason));
    } else {
        fail(std::move(reason));
    }
}

void Process::finish() {
    end_as(ProcessStatus::Finished);
    ended();
}

void Process::fail(std::string message) {
    end_as(ProcessStatus::Failed);
    ensure_text().error = std::move(message);
    ended();
}

void Process::kill(std::string reason) {
    if (is_finished()) return;
    end_as(ProcessStatus::Killed);
    ensure_text().error = std::move(reason);
    ended();
}

void Process::end_as(ProcessStatus status) {
    if (!is_finished()) age_.ticks_lived = os_.ticks() - age_.spawn_tick;
    status_ = status;
}

// An ended process gives its thread, globals and compiled code back at once:
// only its record (status, error, output) outlives it. Its Os hears of the end
// (to report it, wake its waiters and remove it), whichever way it came.
void Process::ended() {
    release_lua();
    if (api_state_) api_state_->release_buffers();
    os_.note_ended(*this);
}

void Process::release_lua() {
    static_assert(kNoRef == LUA_NOREF);
    process_files_close_all(*this);
    Runtime& runtime = os_.runtime();
    lua_State* L = runtime.lua();
    if (thread_ref_ != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, thread_ref_);
    RuntimeAccess::chunks(runtime).release(chunk_);
    thread_ref_ = LUA_NOREF;
    thread_ = running_ = nullptr;
    chunk_ = nullptr;
}

}  // namespace luaos
