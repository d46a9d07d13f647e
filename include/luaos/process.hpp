#pragma once
// A Process is one player script: its own Lua thread and its own globals,
// resumed one slice per tick by its Os.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <string_view>

#include "luaos/detail/task.hpp"
#include "luaos/dialect.hpp"
#include "luaos/kernel_options.hpp"
#include "luaos/usage_counters.hpp"

struct lua_State;

namespace luaos {

class Os;
class Runtime;
struct CompiledChunk;
class MemoryAccount;
struct ProcessStats;
struct SliceRecord;
struct ProcessApiState;
struct ProcessText;

using Pid = std::uint32_t;

enum class ProcessStatus : std::uint8_t {
    Ready,     // alive: will run a slice next tick
    Finished,  // the script returned
    Failed,    // the script raised an error it did not catch (compile errors included)
    Killed,    // the engine or another process ended it
};

// "running", "finished", "failed" or "killed": the CLI's JSON vocabulary,
// where every status that is still alive reads "running".
const char* status_name(ProcessStatus status);

// The finer view of a process that scripts get from os.status (docs/process-api.md):
// an alive process is running (runnable), sleeping (os.sleep) or waiting (os.wait,
// io.read on an empty stdin, os.receive on an empty mailbox).
enum class ProcessState : std::uint8_t { Running, Sleeping, Waiting, Finished, Failed, Killed, NotFound };

// "running", "sleeping", "waiting", "finished", "failed", "killed" or "not_found".
const char* state_name(ProcessState state);

// Exit status of an ended process, as os.wait returns it: the os.exit code (0
// when the script returned), kExitFailed when it failed or was killed.
inline constexpr int kExitFailed = 1;

class Process;

// The process whose slice is executing on `runtime` now, or null between slices.
Process* current_process(const Runtime& runtime);

// A process is a Task of the runtime (its first base, so that the fields
// every slice touches share its first cache line) plus what the kernel keeps.
class Process : private Task {
public:
    ~Process();
    // A process lives in its runtime's block pool, beside its Lua blocks
    // (runtime/block_pool.hpp): `new (runtime) Process(...)`; delete frees it there.
    static void* operator new(std::size_t size, Runtime& runtime);
    static void operator delete(void* memory, Runtime& runtime);  // if the constructor throws
    static void operator delete(Process* process, std::destroying_delete_t);
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    Pid pid() const { return pid_; }
    const std::string& name() const { return *name_; }
    ProcessStatus status() const { return status_; }
    bool is_finished() const { return status_ != ProcessStatus::Ready; }
    // Why it failed or was killed; empty otherwise.
    const std::string& error() const;
    // Where an error of its own ended it (failed, or killed in its own slice):
    // Lua's "stack traceback:" and one line per call, at most 21 calls
    // (Lua's own bound) and 4 KiB; empty otherwise.
    const std::string& traceback() const;
    // Everything it printed that the host has not taken yet.
    const std::string& output() const;
    std::string take_output();
    Os& os() const { return os_; }
    // What it has cost so far (luaos/stats.hpp).
    ProcessStats stats() const;
    // Its counters, which its VM's add up (Os::stats).
    const UsageCounters& usage() const { return usage_; }
    std::uint64_t stdout_bytes() const;
    // The process that spawned it with os.spawn (or the host named as its
    // parent); 0 for none.
    Pid parent() const;
    // Running, sleeping, waiting, or how it ended.
    ProcessState state() const;
    // Its exit status once ended (see kExitFailed); 0 while alive.
    int exit_code() const;
    // The language it is written in.
    using Task::dialect;

private:
    // The engine's side, for the kernel alone: the Os that owns it, the
    // scheduler, the kernel's handlers, and the process API's functions and
    // the tests through src/kernel/kernel_access.hpp.
    friend class Os;
    friend class SharedKernel;
    friend struct KernelAccess;
    friend void scheduler_run_slice(Runtime& runtime, Process& process);
    friend Process* current_process(const Runtime& runtime);

    Process(Os& os, Pid pid, std::string_view name);
    using Task::doomed;
    using Task::memory_account;
    using Task::preempting;
    using Task::running_thread;
    using Task::set_dialect;
    using Task::set_preempting;
    using Task::set_running_thread;
    using Task::set_slice_debt_ns;
    using Task::slice_debt_ns;
    using Task::thread;
    Task& task() { return *this; }
    static Process& of(Task& task) { return static_cast<Process&>(task); }
    static const Process& of(const Task& task) { return static_cast<const Process&>(task); }
    void attach(lua_State* thread, int thread_ref, CompiledChunk* chunk);
    void account_slice(const SliceRecord& slice);
    void write_output(std::string_view text);
    void begin_slice();
    void finish();
    void fail(std::string message);
    void kill(std::string reason);
    // Marks the process to end as `how` (Failed or Killed) for `reason`: it
    // is stopped at the next point where that is possible (runtime/doom.hpp).
    // The first doom stands.
    void doom(ProcessStatus how, std::string reason);
    // Counts a memory error (an allocation refused again after Lua's
    // emergency collection) and returns how many it has run into within
    // `window` ticks of the first of them.
    std::uint32_t note_memory_error(std::uint32_t window);
    // A doomed process's script caught `detail`, the error that told of the
    // doom (runtime/caught_errors.hpp): it leads the final error, the doom's
    // reason following in parentheses. Once only.
    void explain_doom(std::string detail);
    // Ends a doomed process; `detail` is the error its thread ended with, if any.
    void end_doomed(std::string detail);
    // Before it fails or is killed: where its own error ended it (traceback()).
    void set_traceback(std::string traceback);
    // The process API's per-process state (stdin, mailbox, parent, exit code,
    // what it is blocked on), created on first use so that a process that
    // never uses the API stays small. src/kernel/process_api_state.hpp.
    ProcessApiState* api_state() const { return api_state_.get(); }
    ProcessApiState& ensure_api_state();
    // Whether the slice that just ran ended in a call of the process API that
    // gives up the CPU (os.sleep, os.wait, ...) rather than a preemption.
    bool gave_up_slice() const;
    void end_as(ProcessStatus status);
    void ended();
    void release_lua();
    ProcessText& ensure_text();

    // What every slice reads or writes comes first, together: a tick of a
    // large cluster visits each process once, and every cache line of it
    // that the slice touches is a miss. The Task's fields (thread, running
    // coroutine, memory account, debt, doom, flags) take the first 35 bytes;
    // status_ and pid_ fill its tail padding.
    ProcessStatus status_ = ProcessStatus::Ready;
    Pid pid_;
    std::unique_ptr<ProcessApiState> api_state_;
    UsageCounters usage_;
    // The rest is read when the process starts, ends or is looked at.
    Os& os_;
    CompiledChunk* chunk_ = nullptr;
    // One field, two meanings, never both at once: while it lives, its Os's
    // tick when it was spawned; once it has ended, the ticks it lived
    // (ProcessStats::ticks_alive).
    union Age {
        std::uint64_t spawn_tick;
        std::uint64_t ticks_lived;
    } age_;
    const std::string* name_;  // shared by the processes of its runtime that bear it (runtime/process_names.hpp)
    std::unique_ptr<ProcessText> text_;  // error and output, created when first written
};

}  // namespace luaos
