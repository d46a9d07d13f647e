#include "luaos/os.hpp"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <lua.hpp>
#include <stdexcept>

#include "kernel/kernel_access.hpp"
#include "kernel/message_copy.hpp"
#include "kernel/os_bookkeeping.hpp"
#include "kernel/os_library.hpp"
#include "kernel/process_api_state.hpp"
#include "kernel/scheduler.hpp"
#include "kernel/shared_kernel.hpp"
#include "kernel/slice_clock.hpp"
#include "luaos/observer.hpp"
#include "luaos/runtime.hpp"
#include "runtime/allocator.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/doom.hpp"
#include "runtime/error_text.hpp"
#include "runtime/runtime_access.hpp"
#include "runtime/sandbox.hpp"

namespace luaos {
namespace {

struct ThreadRequest {
    int main_ref;
    Dialect dialect;
    const SpawnOptions* options = nullptr;
    std::string_view name;
    int libraries_ref = LUA_NOREF;  // the VM's own host libraries (kernel/host_functions/host_library_install.hpp)
    lua_State* thread = nullptr;
    int thread_ref = LUA_NOREF;
};

// Runs under lua_pcall: any allocation here may raise a memory error.
// Leaves the new thread holding the chunk's shared main function, the
// process's globals and its arguments: the first slice calls
// main(globals, args...) (scheduler_run_slice).
int create_thread_protected(lua_State* L) {
    auto* request = static_cast<ThreadRequest*>(lua_touserdata(L, 1));
    const SpawnOptions& options = *request->options;
    const auto count = static_cast<int>(options.args.size());
    luaL_checkstack(L, count + 4, "too many arguments");
    lua_State* thread = lua_newthread(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, request->main_ref);
    sandbox_push_globals(L, request->dialect);
    const int globals = lua_gettop(L);
    if (request->libraries_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, request->libraries_ref);
        lua_pushnil(L);
        while (lua_next(L, -2) != 0) {
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, globals);
        }
        lua_pop(L, 1);
    }
    if (!options.args.empty() || options.set_arg) {
        lua_createtable(L, count, 1);
        lua_pushlstring(L, request->name.data(), request->name.size());
        lua_rawseti(L, -2, 0);
        for (int i = 1; i <= count; ++i) {
            const std::string& arg = options.args[static_cast<std::size_t>(i - 1)];
            lua_pushlstring(L, arg.data(), arg.size());
            lua_rawseti(L, -2, i);
        }
        lua_pushvalue(L, -1);
        lua_setfield(L, globals, "arg");
        for (int i = 1; i <= count; ++i) lua_rawgeti(L, globals + 1, i);
        lua_remove(L, globals + 1);
    }
    if (!lua_checkstack(thread, count + 2)) return luaL_error(L, "too many arguments");
    lua_xmove(L, thread, count + 2);  // main, globals, args
    request->thread = thread;
    request->thread_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

}  // namespace

Os::Os(Runtime& runtime, VirtualMachine* vm)
    : runtime_(runtime),
      vm_(vm),
      memory_(RuntimeAccess::allocator(runtime).open_account(runtime.options().memory_limit)) {
    os_library_ensure_installed(runtime.lua());
    SharedKernel::of(runtime);  // the runtime reports dooms and output to it
}

Os::~Os() {
    runnable_.release(runtime_);
    for (Process* process : processes_) delete process;
    processes_.release(runtime_);
    if (bookkeeping_ && bookkeeping_->records && bookkeeping_->records->libraries_ref != LUA_NOREF) {
        luaL_unref(runtime_.lua(), LUA_REGISTRYINDEX, bookkeeping_->records->libraries_ref);
    }
    RuntimeAccess::allocator(runtime_).close_account(memory_);
}

OsBookkeeping& Os::bookkeeping() {
    if (!bookkeeping_) bookkeeping_ = std::make_unique<OsBookkeeping>();
    return *bookkeeping_;
}

std::size_t Os::memory_used() const { return memory_->used; }

VmStats Os::stats() const {
    VmStats stats;
    UsageCounters usage = bookkeeping_ ? bookkeeping_->ended_usage : UsageCounters{};
    stats.stdout_bytes = bookkeeping_ ? bookkeeping_->ended_stdout_bytes : 0;
    for (const Process* process : processes_) {
        usage.add(process->usage());
        stats.stdout_bytes += process->stdout_bytes();
    }
    usage.report(stats);
    // Every spawn takes the next PID, a failed compile's too.
    stats.processes_spawned = next_pid_.load(std::memory_order_relaxed) - 1;
    stats.turns_sat_out = bookkeeping_ ? bookkeeping_->turns_sat_out : 0;
    stats.ticks = ticks_;
    stats.memory = memory_->used;
    stats.memory_peak = memory_->peak;
    return stats;
}

void Os::account_turn_sat_out() { ++bookkeeping().turns_sat_out; }

SpawnResult Os::spawn_process(std::string_view code, std::string_view name, Dialect dialect) {
    SpawnOptions options;
    options.dialect = dialect;
    return spawn_process(code, name, options);
}

SpawnResult Os::spawn_process(std::string_view code, std::string_view name, const SpawnOptions& options) {
    const Dialect dialect = options.dialect;
    // The PID is taken once the spawn makes a process (spawns of one Os never
    // run concurrently: a script's within its tick, the host's between ticks).
    const Pid pid = next_pid_.load(std::memory_order_relaxed);
    auto process = std::unique_ptr<Process>(new (runtime_) Process(*this, pid, name));
    if (options.parent != 0) {
        ProcessApiState& io = process->ensure_api_state();
        io.parent = options.parent;
        io.output_to_parent = options.output == ChildOutput::Parent;
    }
    Allocator::Charging charging(RuntimeAccess::allocator(runtime_), process->memory_account());
    SpawnResult result{pid, {}};

    process->set_dialect(dialect);
    CompiledChunk* chunk = RuntimeAccess::chunks(runtime_).acquire(code, name, dialect, result.error);
    if (chunk != nullptr) {
        lua_State* L = runtime_.lua();
        ThreadRequest request{chunk->main_ref, dialect, &options, name};
        if (bookkeeping_ && bookkeeping_->records) request.libraries_ref = bookkeeping_->records->libraries_ref;
        lua_pushcfunction(L, create_thread_protected);
        lua_pushlightuserdata(L, &request);
        if (lua_pcall(L, 1, 0, 0) == LUA_OK) {
            process->attach(request.thread, request.thread_ref, chunk);
        } else {
            result.error = error_text(L, -1);
            lua_pop(L, 1);
            RuntimeAccess::chunks(runtime_).release(chunk);
        }
    }
    if (!result.ok() && !options.process_on_compile_error) return {0, std::move(result.error)};
    next_pid_.store(pid + 1, std::memory_order_relaxed);
    Process& spawned = *process;
    processes_.push_back(runtime_, process.get());
    process.release();
    if (!result.ok()) {
        spawned.fail(result.error);
    } else if (ticking_) {
        bookkeeping().woken.push_back(&spawned);
    } else {
        runnable_.push_back(runtime_, &spawned);  // PIDs only grow: still in PID order
    }
    is_finished_ = false;
    if (ProcessObserver* observer = runtime_.observer()) observer->on_spawn(spawned);
    became_active();
    return result;
}

void Os::tick() {
    SliceClockScope clock(runtime_);
    ++ticks_;
    ticking_ = true;
    if (bookkeeping_) {
        wake_due_timers();
        if (!bookkeeping_->woken.empty()) {
            const auto middle = static_cast<std::ptrdiff_t>(runnable_.size());
            runnable_.append(runtime_, bookkeeping_->woken);
            bookkeeping_->woken.clear();
            auto by_pid = [](const Process* a, const Process* b) { return a->pid() < b->pid(); };
            std::sort(runnable_.begin() + middle, runnable_.end(), by_pid);
            std::inplace_merge(runnable_.begin(), runnable_.begin() + middle, runnable_.end(), by_pid);
        }
    }
    // Slices do not change the list: what they spawn or wake waits in
    // bookkeeping_->woken for the next tick.
    Process** const runnable = runnable_.begin();
    const std::size_t count = runnable_.size();
    std::size_t kept = 0;
    for (std::size_t i = 0; i < count; ++i) {
        Process& process = *runnable[i];
        if (!process.is_finished()) {
            scheduler_run_slice(runtime_, process);
            if (!process.is_finished() && process.gave_up_slice()) park(process);
        }
        if (!process.is_finished() && !(process.api_state() != nullptr && process.api_state()->parked)) runnable[kept++] = &process;
    }
    assert(runnable_.begin() == runnable && runnable_.size() == count && "no slice changes the runnable list");
    runnable_.truncate(kept);
    ticking_ = false;
    reap_ended();
    is_finished_ = processes_.empty();
}

namespace {

// Whether the process is parked with a timer in the heap.
bool has_timer(const ProcessApiState& io) {
    return io.parked && io.wake_tick != 0 &&
           (io.block == BlockReason::Sleep || io.block == BlockReason::Receive || io.block == BlockReason::Network ||
            io.block == BlockReason::Send);
}

}  // namespace

// The slice ended in a call that gave up the CPU: a yield stays runnable,
// anything else is set aside until its event (or timer) wakes it.
void Os::park(Process& process) {
    ProcessApiState& io = *process.api_state();
    switch (io.block) {
        case BlockReason::None:
        case BlockReason::Yield:
            io.block = BlockReason::None;
            return;
        case BlockReason::Sleep:
        case BlockReason::Receive:
        case BlockReason::Network:
        case BlockReason::Send:
            if (io.wake_tick != 0) bookkeeping().add_timer(io.wake_tick, process.pid(), io.timer_generation);
            break;
        case BlockReason::Wait: {
            Process* target = find(io.wait_target);
            if (target == nullptr || target->is_finished()) {
                // It ended (or was reaped) after the call looked: no need to wait.
                io.wait_result = target != nullptr ? target->exit_code() : exit_code(io.wait_target).value_or(kExitFailed);
                io.block = BlockReason::None;
                return;
            }
            std::vector<Pid>& waiters = target->ensure_api_state().ensure_buffers().waiters;
            if (std::find(waiters.begin(), waiters.end(), process.pid()) == waiters.end()) waiters.push_back(process.pid());
            break;
        }
        case BlockReason::Read:
        case BlockReason::HostCall:
            break;
    }
    io.parked = true;
}

void Os::wake(Process& process) {
    ProcessApiState* io = process.api_state();
    if (io == nullptr || !io->parked || process.is_finished()) return;
    if (has_timer(*io)) {
        // Its timer is left behind, stale.
        ++io->timer_generation;
        bookkeeping().timer_went_stale();
    }
    io->parked = false;
    io->block = BlockReason::None;
    bookkeeping().woken.push_back(&process);
    became_active();
}

void Os::became_active() {
    OsActivityListener* listener = runtime_.activity_listener();
    if (listener != nullptr && !ticking_) listener->on_active(*this);
}

void Os::wake_due_timers() {
    OsBookkeeping& books = *bookkeeping_;
    Timer timer;
    while (books.pop_due(ticks_, timer)) {
        Process* process = find(timer.pid);
        if (process == nullptr || process->api_state() == nullptr || process->api_state()->timer_generation != timer.generation) continue;
        ProcessApiState& io = *process->api_state();
        if (!io.parked) continue;
        books.timer_went_stale();  // consumed, not stale: one live timer fewer either way
        ++io.timer_generation;
        io.timed_out = true;
        io.parked = false;
        io.block = BlockReason::None;
        books.woken.push_back(process);
    }
    // Stale timers of processes woken early would pile up in a process that
    // receives with a long timeout in a loop: drop them once they dominate.
    if (books.timers.size() > 2 * books.live_timers + 64) {
        std::erase_if(books.timers, [this](const Timer& stale) {
            const Process* process = find(stale.pid);
            return process == nullptr || process->api_state() == nullptr || process->api_state()->timer_generation != stale.generation;
        });
        std::make_heap(books.timers.begin(), books.timers.end(),
                       [](const Timer& a, const Timer& b) { return a.tick > b.tick; });
        books.live_timers = books.timers.size();
    }
}

void Os::note_ended(Process& process) {
    OsBookkeeping& books = bookkeeping();
    books.ended.push_back(process.pid());
    // A sleeper killed leaves its timer behind, stale.
    if (ProcessApiState* io = process.api_state(); io != nullptr && has_timer(*io)) {
        ++io->timer_generation;
        books.timer_went_stale();
    }
}

// Reports every process that ended since the last reap, in PID order, wakes
// whoever waits for it, and removes it.
void Os::reap_ended() {
    if (!bookkeeping_ || bookkeeping_->ended.empty()) return;
    OsBookkeeping& books = *bookkeeping_;
    std::vector<Pid> ended;
    ended.swap(books.ended);
    std::sort(ended.begin(), ended.end());
    ProcessObserver* observer = runtime_.observer();
    std::size_t ended_memory = 0;
    for (Pid pid : ended) {
        Process* process = find(pid);
        if (process == nullptr) continue;
        const int code = process->exit_code();
        if (ProcessApiState* io = process->api_state(); io != nullptr && io->buffers) {
            wake_blocked_senders(*this, *io->buffers);
            for (Pid waiter_pid : io->buffers->waiters) {
                Process* waiter = find(waiter_pid);
                if (waiter == nullptr || waiter->api_state() == nullptr) continue;
                ProcessApiState& waiting = *waiter->api_state();
                if (!waiting.parked || waiting.block != BlockReason::Wait || waiting.wait_target != pid) continue;
                waiting.wait_result = code;
                wake(*waiter);
            }
            io->buffers.reset();
        }
        if (books.network) books.network->on_process_ended(pid);
        if (books.records && books.records->keep_events) {
            books.records->events.push_back({pid, process->status(), code, process->error(), process->output()});
        }
        if (observer != nullptr) observer->on_exit(*process);
        // What nobody read stays readable after the end (Os::read_stdout).
        books.remember_exit({pid, process->state(), code, process->take_output()},
                            SharedKernel::of(runtime_).options.process_limits.exit_output_bytes);
    }
    // Only those reported: one killed by an observer's callback just now is
    // reported (and removed) at the next tick.
    auto reported = [&ended](const Process* process) { return std::binary_search(ended.begin(), ended.end(), process->pid()); };
    std::erase_if(books.woken, reported);
    std::size_t kept = 0;
    for (Process* process : processes_) {
        if (reported(process)) {
            ended_memory += process->memory_account()->used;
            books.ended_usage.add(process->usage());
            books.ended_stdout_bytes += process->stdout_bytes();
            delete process;
        } else {
            processes_[kept++] = process;
        }
    }
    processes_.truncate(kept);
    collect_if_much_ended(ended_memory);
}

// What ended processes held is garbage now, but Lua's collector paces itself
// by the whole shared state, of which one VM is a small part: left to it, the
// VM's other processes could run into the limit against that garbage for a
// long time (and the auxiliary library's buffers, string.rep's for one, are
// refused without an emergency collection). So when the processes that ended
// in a tick held at least a quarter of their VM's limit (one that died of
// the limit always did), the VM gets it back at once, with one full
// collection of the state.
void Os::collect_if_much_ended(std::size_t ended_memory) {
    if (ended_memory < memory_->limit() / kCollectAfterEndedShare) return;
    lua_gc(runtime_.lua(), LUA_GCCOLLECT, 0);
}

double Os::run(std::uint64_t max_ticks) {
    auto start = std::chrono::steady_clock::now();
    for (std::uint64_t tick = 0; tick < max_ticks && !is_finished_; ++tick) this->tick();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Every process that ends is in bookkeeping_->ended until its tick reports and removes it.
std::size_t Os::live_processes() const { return processes_.size() - (bookkeeping_ ? bookkeeping_->ended.size() : 0); }

// processes_ is in PID order: PIDs only grow and spawns append.
Process* Os::find(Pid pid) const {
    auto it = std::lower_bound(processes_.begin(), processes_.end(), pid,
                               [](const Process* process, Pid key) { return process->pid() < key; });
    return it == processes_.end() || (*it)->pid() != pid ? nullptr : *it;
}

bool Os::has_runnable() const {
    return !runnable_.empty() || (bookkeeping_ && (!bookkeeping_->woken.empty() || !bookkeeping_->ended.empty()));
}

std::uint64_t Os::next_wake_tick() const {
    if (!bookkeeping_ || bookkeeping_->timers.empty()) return UINT64_MAX;
    return bookkeeping_->timers.front().tick;
}

void Os::skip_ticks(std::uint64_t ticks) { ticks_ += ticks; }

// --- programs -------------------------------------------------------------

void Os::install_program(std::shared_ptr<const Program> program) {
    if (!program) return;
    auto& programs = bookkeeping().ensure_records().programs;
    for (auto& installed : programs) {
        if (installed->name == program->name) {
            installed = std::move(program);
            return;
        }
    }
    programs.push_back(std::move(program));
}

void Os::install_program(std::string name, std::string code, std::string chunk_name) {
    install_program(std::make_shared<const Program>(Program{std::move(name), std::move(code), std::move(chunk_name)}));
}

bool Os::remove_program(std::string_view name) {
    if (!bookkeeping_ || !bookkeeping_->records) return false;
    return std::erase_if(bookkeeping_->records->programs, [name](const auto& program) { return program->name == name; }) > 0;
}

std::shared_ptr<const Program> Os::find_program(std::string_view name) const {
    if (!bookkeeping_ || !bookkeeping_->records) return nullptr;
    for (const auto& program : bookkeeping_->records->programs) {
        if (program->name == name) return program;
    }
    return nullptr;
}

SpawnResult Os::spawn_program(std::string_view name, const SpawnOptions& options) {
    std::shared_ptr<const Program> program = find_program(name);
    if (!program) return {0, "no program named '" + std::string(name) + "'"};
    return spawn_process(program->code, program->chunk_name.empty() ? program->name : program->chunk_name, options);
}

// --- the host's side of stdin, stdout, messages and signals ----------------

const char* delivery_name(Delivery delivery) {
    switch (delivery) {
        case Delivery::Delivered: return "delivered";
        case Delivery::NotFound: return "no such process";
        case Delivery::Full: return "full";
        case Delivery::Closed: return "stdin closed";
        case Delivery::TooLarge: return "too large";
    }
    return "?";
}

Process* live_process(const Os& os, Pid pid) {
    Process* process = os.find(pid);
    return process == nullptr || process->is_finished() ? nullptr : process;
}

Delivery deliver_message(Os& os, Pid to, Pid from, std::string& bytes) {
    Process* process = live_process(os, to);
    if (process == nullptr) return Delivery::NotFound;
    const ProcessLimits& limits = SharedKernel::of(os.runtime()).options.process_limits;
    if (bytes.size() > limits.mailbox_bytes) return Delivery::TooLarge;
    ProcessApiState& io = KernelAccess::ensure_api_state(*process);
    ProcessBuffers& buffers = io.ensure_buffers();
    if (buffers.mailbox.size() >= limits.mailbox_messages || bytes.size() > limits.mailbox_bytes - buffers.mailbox_bytes) {
        return Delivery::Full;
    }
    buffers.mailbox_bytes += bytes.size();
    buffers.mailbox.push({from, std::move(bytes)});
    if (io.parked && io.block == BlockReason::Receive) os.wake(*process);
    return Delivery::Delivered;
}

Delivery Os::write_stdin(Pid pid, std::string_view line) {
    Process* process = live_process(*this, pid);
    if (process == nullptr) return Delivery::NotFound;
    const std::size_t limit = SharedKernel::of(runtime_).options.process_limits.stdin_bytes;
    if (line.size() > limit) return Delivery::TooLarge;
    ProcessApiState& io = process->ensure_api_state();
    if (io.stdin_closed) return Delivery::Closed;
    ProcessBuffers& buffers = io.ensure_buffers();
    if (line.size() > limit - buffers.stdin_bytes) return Delivery::Full;
    buffers.stdin_lines.push(std::string(line));
    buffers.stdin_bytes += line.size();
    if (io.parked && io.block == BlockReason::Read) wake(*process);
    return Delivery::Delivered;
}

Delivery Os::close_stdin(Pid pid) {
    Process* process = live_process(*this, pid);
    if (process == nullptr) return Delivery::NotFound;
    ProcessApiState& io = process->ensure_api_state();
    io.stdin_closed = true;
    if (io.parked && io.block == BlockReason::Read) wake(*process);
    return Delivery::Delivered;
}

void wake_blocked_senders(Os& os, ProcessBuffers& buffers) {
    std::vector<Pid> senders;
    senders.swap(buffers.blocked_senders);
    for (Pid pid : senders) {
        Process* sender = live_process(os, pid);
        const ProcessApiState* io = sender != nullptr ? KernelAccess::api_state(*sender) : nullptr;
        if (io != nullptr && io->parked && io->block == BlockReason::Send) KernelAccess::wake(os, *sender);
    }
}

std::optional<std::string> Os::read_stdout(Pid pid) {
    if (Process* process = find(pid)) return process->take_output();
    if (bookkeeping_) return bookkeeping_->take_exit_output(pid, SharedKernel::of(runtime_).options.process_limits.exit_output_bytes);
    return std::nullopt;
}

Delivery Os::send(Pid pid, std::string_view text) {
    std::string bytes;
    message_encode_string(text, bytes);
    return deliver_message(*this, pid, 0, bytes);
}

bool Os::kill(Pid pid, std::string reason) {
    Process* process = live_process(*this, pid);
    if (process == nullptr) return false;
    if (current_process(runtime_) == process) {
        // From inside its own slice (an observer's callback): it cannot be
        // released while it runs, so it is stopped like a doomed process.
        process->doom(ProcessStatus::Killed, std::move(reason));
        doom_hasten(process->running_thread());
        return true;
    }
    process->kill(std::move(reason));
    became_active();
    return true;
}

void Os::shut_down(std::string reason) {
    if (ticking_ || current_process(runtime_) != nullptr) {
        throw std::logic_error("Os::shut_down: not from inside a tick");
    }
    for (Process* process : processes_) process->kill(reason);  // ended ones stay as they ended
    runnable_.truncate(0);
    reap_ended();
    is_finished_ = processes_.empty();
}

ProcessState Os::state(Pid pid) const {
    if (const Process* process = find(pid)) return process->state();
    if (bookkeeping_) {
        if (const RecentExit* exit = bookkeeping_->recent_exit(pid)) return exit->state;
    }
    return ProcessState::NotFound;
}

std::optional<int> Os::exit_code(Pid pid) const {
    if (const Process* process = find(pid); process != nullptr && process->is_finished()) return process->exit_code();
    if (bookkeeping_) {
        if (const RecentExit* exit = bookkeeping_->recent_exit(pid)) return exit->exit_code;
    }
    return std::nullopt;
}

void Os::keep_exit_events(bool keep) {
    OsRecords& records = bookkeeping().ensure_records();
    records.keep_events = keep;
    if (!keep) records.events.clear();
}

std::vector<ExitEvent> Os::take_exit_events() {
    std::vector<ExitEvent> taken;
    if (bookkeeping_ && bookkeeping_->records) taken.swap(bookkeeping_->records->events);
    return taken;
}

}  // namespace luaos
