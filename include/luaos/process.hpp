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

#include "luaos/dialect.hpp"
#include "luaos/usage_counters.hpp"

struct lua_State;

namespace luaos {

class Os;
class Runtime;
struct CompiledChunk;
class MemoryAccount;
struct ProcessStats;
struct SliceRecord;
struct ProcessIo;
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

// The process API's limits (docs/security.md), per VM or per process.
struct ProcessLimits {
    // Live processes per VM; os.spawn and os.spawn_source past it raise an error.
    std::uint32_t max_processes = 64;
    // Messages (os.send) waiting in one process's mailbox; past it, os.send
    // waits for room (or returns nil, "mailbox full" once its timeout passed).
    std::uint32_t mailbox_messages = 64;
    // Bytes of messages waiting in one mailbox (a message's encoded size); also
    // the largest single message.
    std::size_t mailbox_bytes = std::size_t{64} << 10;
    // Bytes of lines waiting on one process's stdin; also the longest line.
    std::size_t stdin_bytes = std::size_t{64} << 10;
    // Tables nested in one message.
    std::uint32_t message_depth = 16;
    // Bytes of arguments given to one spawn, and their count.
    std::size_t spawn_arg_bytes = std::size_t{64} << 10;
    std::uint32_t spawn_args = 256;
    // Asynchronous host calls (luaos/host_functions.hpp) a VM's processes may
    // have outstanding: made, and not yet completed, failed or dropped by the
    // host. A process waits for its call, so it holds one at most; the bound
    // is on those a VM's processes pile up on the host, e.g. by being killed
    // while the host works. Past it, the call raises an error.
    std::uint32_t host_calls = 64;
    // Bytes of unread output a VM keeps of its ended processes, for
    // os.read_stdout and Os::read_stdout after the end; past it, the oldest
    // is replaced by a line saying how much was dropped.
    std::size_t exit_output_bytes = std::size_t{1} << 20;
};

// Exit status of an ended process, as os.wait returns it: the os.exit code (0
// when the script returned), kExitFailed when it failed or was killed.
inline constexpr int kExitFailed = 1;

class Process {
public:
    Process(Os& os, Pid pid, std::string_view name);
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

    // Engine internals (src/): the scheduler and the Lua glue use these.
    lua_State* thread() const { return thread_; }
    lua_State* running_thread() const { return running_; }
    void set_running_thread(lua_State* thread) { running_ = thread; }
    bool preempting() const { return preempting_; }
    void set_preempting(bool value) { preempting_ = value; }
    // CPU time its slices certainly ran past their end, repaid a whole slice
    // at a time by sitting out turns (runtime/deadline_preemption.cpp). Kept
    // to 32 bits, saturating: over 4 s of debt already means thousands of
    // turns to sit out.
    std::uint64_t slice_debt_ns() const { return slice_debt_ns_; }
    void set_slice_debt_ns(std::uint64_t debt) {
        slice_debt_ns_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(debt, UINT32_MAX));
    }
    void attach(lua_State* thread, int thread_ref, CompiledChunk* chunk);
    MemoryAccount* memory_account() const { return memory_; }
    Dialect dialect() const { return dialect_; }
    void set_dialect(Dialect dialect) { dialect_ = dialect; }
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
    bool doomed() const { return doom_ != ProcessStatus::Ready; }
    // Counts a memory error (an allocation refused again after Lua's
    // emergency collection) and returns how many it has run into within
    // `window` ticks of the first of them.
    std::uint32_t note_memory_error(std::uint32_t window);
    // Ends a doomed process; `detail` is the error its thread ended with, if any.
    void end_doomed(std::string detail);
    // The process API's per-process state (stdin, mailbox, parent, exit code,
    // what it is blocked on), created on first use so that a process that
    // never uses the API stays small. src/kernel/process_io.hpp.
    ProcessIo* io() const { return io_.get(); }
    ProcessIo& ensure_io();
    // Whether the slice that just ran ended in a call of the process API that
    // gives up the CPU (os.sleep, os.wait, ...) rather than a preemption.
    bool gave_up_slice() const;

private:
    void end_as(ProcessStatus status);
    void ended();
    void release_lua();
    ProcessText& ensure_text();

    // What every slice reads or writes comes first, together: a tick of a
    // large cluster visits each process once, and every cache line of it
    // that the slice touches is a miss.
    ProcessStatus status_ = ProcessStatus::Ready;
    ProcessStatus doom_ = ProcessStatus::Ready;
    bool preempting_ = false;
    Dialect dialect_ = Dialect::Lua;
    Pid pid_;
    lua_State* thread_ = nullptr;
    lua_State* running_ = nullptr;  // innermost coroutine executing, where a slice resumes
    MemoryAccount* memory_;  // a sub-account of its VM's: what it allocated
    std::unique_ptr<ProcessIo> io_;
    std::uint32_t slice_debt_ns_ = 0;
    static constexpr int kNoRef = -2;  // LUA_NOREF, without including Lua here
    int thread_ref_ = kNoRef;
    UsageCounters usage_;
    // The rest is read when the process starts, ends or is looked at.
    Os& os_;
    CompiledChunk* chunk_ = nullptr;
    // While it lives, its Os's tick when it was spawned; once it has ended,
    // the ticks it lived (ProcessStats::ticks_alive): one field for both.
    std::uint64_t ticks_;
    const std::string* name_;  // shared by the processes of its runtime that bear it (runtime/process_names.hpp)
    std::unique_ptr<ProcessText> text_;  // error and output, created when first written
};

}  // namespace luaos
