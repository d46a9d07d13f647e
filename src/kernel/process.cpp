#include "luaos/process.hpp"

#include <cassert>
#include <lua.hpp>

#include "luaos/observer.hpp"
#include "luaos/os.hpp"
#include "luaos/runtime.hpp"
#include "luaos/stats.hpp"
#include "kernel/process_io.hpp"
#include "kernel/process_text.hpp"
#include "runtime/allocator.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/process_names.hpp"

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

Process::Process(Os& os, Pid pid, std::string_view name)
    : pid_(pid),
      memory_(os.runtime().allocator().open_sub_account(os.memory_account())),
      os_(os),
      ticks_(os.ticks()),
      name_(os.runtime().process_names().acquire(name)) {}

void* Process::operator new(std::size_t size, Runtime& runtime) { return runtime.allocator().allocate_object(size); }

void Process::operator delete(void* memory, Runtime& runtime) {
    runtime.allocator().free_object(memory, sizeof(Process));
}

void Process::operator delete(Process* process, std::destroying_delete_t) {
    Allocator& allocator = process->os_.runtime().allocator();
    process->~Process();
    allocator.free_object(process, sizeof(Process));
}

Process::~Process() {
    release_lua();
    os_.runtime().allocator().close_account(memory_);
    os_.runtime().process_names().release(name_);
}

ProcessStats Process::stats() const {
    ProcessStats stats;
    usage_.report(stats);
    stats.stdout_bytes = stdout_bytes();
    stats.ticks_alive = is_finished() ? ticks_ : os_.ticks() - ticks_;
    stats.memory = memory_->used;
    stats.memory_peak = memory_->peak;
    return stats;
}

Pid Process::parent() const { return io_ ? io_->parent : 0; }

ProcessState Process::state() const {
    switch (status_) {
        case ProcessStatus::Finished: return ProcessState::Finished;
        case ProcessStatus::Failed: return ProcessState::Failed;
        case ProcessStatus::Killed: return ProcessState::Killed;
        case ProcessStatus::Ready: break;
    }
    if (!io_ || !io_->parked) return ProcessState::Running;
    return io_->block == BlockReason::Sleep ? ProcessState::Sleeping : ProcessState::Waiting;
}

int Process::exit_code() const {
    switch (status_) {
        case ProcessStatus::Ready: return 0;
        case ProcessStatus::Finished: return io_ ? io_->exit_code : 0;
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

ProcessText& Process::ensure_text() {
    if (!text_) text_ = std::make_unique<ProcessText>();
    return *text_;
}

ProcessIo& Process::ensure_io() {
    if (!io_) io_ = std::make_unique<ProcessIo>();
    return *io_;
}

std::uint64_t Process::stdout_bytes() const { return text_ ? text_->stdout_bytes : 0; }

bool Process::gave_up_slice() const { return io_ && io_->block != BlockReason::None; }

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
    Runtime& runtime = os_.runtime();
    const std::size_t limit = runtime.options().output_limit;
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
        if (runtime.options().keep_output) said.output.append(part);
        if (ProcessObserver* observer = runtime.observer()) observer->on_output(*this, part);
    }
}

void Process::begin_slice() {
    if (os_.runtime().options().keep_output || !text_) return;
    text_->restart_output_limit();
}

void Process::doom(ProcessStatus how, std::string reason) {
    if (doomed() || is_finished()) return;
    doom_ = how;
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
    if (doom_ == ProcessStatus::Finished) {
        finish();  // os.exit: the "reason" was only what a catching pcall saw
    } else if (doom_ == ProcessStatus::Killed) {
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
    if (!is_finished()) ticks_ = os_.ticks() - ticks_;  // from its spawn tick to its lifetime
    status_ = status;
}

// An ended process gives its thread, globals and compiled code back at once:
// only its record (status, error, output) outlives it. Its Os hears of the end
// (to report it, wake its waiters and remove it), whichever way it came.
void Process::ended() {
    release_lua();
    if (io_) io_->release_buffers();
    os_.note_ended(*this);
}

void Process::release_lua() {
    process_files_close_all(*this);
    Runtime& runtime = os_.runtime();
    lua_State* L = runtime.lua();
    if (thread_ref_ != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, thread_ref_);
    runtime.chunks().release(chunk_);
    thread_ref_ = LUA_NOREF;
    thread_ = running_ = nullptr;
    chunk_ = nullptr;
}

}  // namespace luaos
