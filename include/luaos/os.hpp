#pragma once
// The Os of one VM: its processes, a PID allocator and tick() (the cycle a
// tick runs: docs/scheduling.md).

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "luaos/detail/pointer_vector.hpp"
#include "luaos/dialect.hpp"
#include "luaos/file_store.hpp"
#include "luaos/kernel_options.hpp"
#include "luaos/process.hpp"
#include "luaos/stats.hpp"

namespace luaos {

class HostLibrary;
class Runtime;
class VirtualMachine;
class MemoryAccount;
struct OsBookkeeping;

struct SpawnResult {
    Pid pid = 0;         // 0 when no process was created (an unknown program)
    std::string error;  // the compile error, naming the chunk and line; empty on success
    bool ok() const { return error.empty(); }
};

// A named program installed on a VM, for os.spawn(name, args). Programs are
// immutable and may be shared by many VMs (install the same shared_ptr).
struct Program {
    std::string name;
    std::string code;
    std::string chunk_name;  // for error messages; the name when empty
    Dialect dialect = Dialect::Lua;
};

enum class ChildOutput : std::uint8_t { Parent, Pipe };

// How a process is started, besides its code (additive to spawn_process).
struct SpawnOptions {
    // Its arguments: `...` in the script, and the global `arg` ({[0] = name,
    // args...}). Without arguments `arg` is not set.
    std::vector<std::string> args;
    bool set_arg = false;  // set `arg` even when `args` is empty
    Pid parent = 0;        // os.getppid(); 0 for none
    Dialect dialect = Dialect::Lua;
    // A spawn that does not compile (or cannot get its thread) still makes a
    // process, recorded as failed and reported once like every other, unless
    // this is false: then it makes none and uses no PID, and the error is only
    // returned. Scripts' spawns (os.spawn, os.spawn_source) set it false:
    // the parent gets the error, and nobody else needs to hear of it.
    bool process_on_compile_error = true;
    // Where what it prints goes when it has a live parent: into the parent's
    // own output (as a shell shows what its programs print), or kept as its
    // own for os.read_stdout (a pipe). Without a parent it is its own.
    ChildOutput output = ChildOutput::Parent;
};

// Why writing to a process's stdin or mailbox did not happen.
enum class Delivery : std::uint8_t {
    Delivered,
    NotFound,  // no such live process in this VM
    Full,      // its stdin or mailbox is at its limit (ProcessLimits)
    Closed,    // its stdin was closed
    TooLarge,  // the line or message alone is over the limit
};
const char* delivery_name(Delivery delivery);

// A process ended (Os::take_exit_events, once enabled by keep_exit_events).
struct ExitEvent {
    Pid pid = 0;
    ProcessStatus status = ProcessStatus::Finished;
    int exit_code = 0;
    std::string error;
    // What it printed that nobody had taken (with KernelOptions::keep_output);
    // it also stays readable through read_stdout until taken or forgotten.
    std::string output;
};

// Hears that an Os which had nothing to run has work again because of a call
// from outside its tick (the host spawned, wrote stdin, sent, killed): a
// cluster's shard uses it to stop skipping the VM. It is set on the Runtime
// (Runtime::set_activity_listener) and hears of every Os of that runtime.
class OsActivityListener {
public:
    virtual void on_active(Os& os) = 0;

protected:
    ~OsActivityListener() = default;
};

// The kernel's settings for every Os on `runtime` (a Cluster's come from
// ClusterOptions::kernel). Set them before the first spawn.
void set_kernel_options(Runtime& runtime, const KernelOptions& options);

class Os {
public:
    // `vm` is the VM it belongs to, for hosts that look up a process's VM
    // (null for a stand-alone Os); the Os never uses it.
    explicit Os(Runtime& runtime, VirtualMachine* vm = nullptr);
    ~Os();
    Os(const Os&) = delete;
    Os& operator=(const Os&) = delete;

    // Compiles `code` (chunk name `name`, written in `dialect`) into a new
    // process. A compile error still takes a PID: the process is recorded as
    // failed and removed on the next tick, so every spawn is reported exactly
    // once (unless SpawnOptions::process_on_compile_error is false).
    SpawnResult spawn_process(std::string_view code, std::string_view name, Dialect dialect = Dialect::Lua);
    // The same with arguments, a parent and the dialect in `options`. Host
    // spawns are not held to ProcessLimits::max_processes (scripts' spawns are).
    SpawnResult spawn_process(std::string_view code, std::string_view name, const SpawnOptions& options);

    // Programs (os.spawn): installing a name again replaces it.
    void install_program(std::shared_ptr<const Program> program);
    void install_program(std::string name, std::string code, std::string chunk_name = {});
    bool remove_program(std::string_view name);
    std::shared_ptr<const Program> find_program(std::string_view name) const;
    // Spawns an installed program; pid 0 and an error when there is no such program.
    SpawnResult spawn_program(std::string_view name, const SpawnOptions& options = {});

    // Host functions for this VM only (luaos/host_functions.hpp): the
    // processes it spawns from now on see `library` under its name.
    // std::invalid_argument if scripts already have that name.
    void add_host_library(HostLibrary library);

    // What a game server needs to wire a terminal to a process. A process
    // blocked on what these deliver runs again at the next tick.
    Delivery write_stdin(Pid pid, std::string_view line);
    Delivery close_stdin(Pid pid);  // io.read then returns nil once the lines are read
    // Takes (drains) what the process printed and the host has not taken yet
    // (with KernelOptions::keep_output), also after it ended, as long as its
    // exit is remembered (kRecentExits, ProcessLimits::exit_output_bytes);
    // nullopt when there is no such process.
    std::optional<std::string> read_stdout(Pid pid);
    // Sends the string `text` to the process's mailbox, from pid 0 (the host).
    Delivery send(Pid pid, std::string_view text);
    // Kills a live process (status killed, error `reason`); false if there is none.
    // It is reported (ProcessObserver::on_exit) at the end of the next tick.
    bool kill(Pid pid, std::string reason = "killed by the host");
    // Kills every live process (status killed, error `reason`) and reports
    // each exit at once, rather than at the next tick; the Os is then
    // finished. Not from inside a tick (std::logic_error).
    void shut_down(std::string reason);
    // os.status: a live process's state, or how a recently ended one ended
    // (the last kRecentExits per VM are remembered), else NotFound.
    ProcessState state(Pid pid) const;
    // The exit status of an ended process that is remembered, else nullopt.
    std::optional<int> exit_code(Pid pid) const;
    static constexpr std::size_t kRecentExits = 64;
    // Exit events, for hosts that poll rather than observe (ProcessObserver::on_exit
    // is the callback form). Off by default, so that nothing accumulates.
    void keep_exit_events(bool keep);
    std::vector<ExitEvent> take_exit_events();

    // Its files (docs/storage.md): the VM's nodes in `store` under `id`. A VM
    // not attached gets a private in-memory store the first time it is used.
    void attach_files(std::shared_ptr<FileStore> store, StoredVmId id);
    // The store its files are in, and its id there (attaching the private
    // store if there is none yet).
    FileStore& file_store();
    StoredVmId stored_id();
    // Writes a whole file of the VM as the host: `path` absolute, missing
    // parents made, the VM's file limits applied. Empty when written, else
    // the reason, as a script would read it ("quota full", ...).
    std::string write_file(std::string_view path, std::string_view contents);
    // Spawns the VM's file `path` (absolute) as a process; a file ending
    // .luau is Luau. Pid 0 and "no such file: PATH" when there is none.
    SpawnResult spawn_file(std::string_view path, const SpawnOptions& options = {});
    // Spawns the programs of its boot list (FileStore::boot_list), in order,
    // each with its arguments: one result each (docs/storage.md).
    std::vector<SpawnResult> boot();

    // For a cluster that skips VMs with nothing to do. Contract: tick() may be
    // left out while !has_runnable() and ticks() + 1 < next_wake_tick(), provided
    // skip_ticks(n) is called with the n ticks left out before the next tick()
    // (so that sleeps keep counting in ticks). Writing stdin, sending, killing or
    // spawning from the host may make has_runnable() true again.
    //
    // True when the next tick() has work: a process to run, or an ended one to report.
    bool has_runnable() const;
    // The tick at which the earliest sleep or receive timeout ends, or
    // UINT64_MAX for none. It may be early (a timer whose process woke for
    // another reason), never late.
    std::uint64_t next_wake_tick() const;
    void skip_ticks(std::uint64_t ticks);

    // Resumes each runnable process for one slice in PID order, removes
    // ended ones (reporting each), then marks the Os finished when none is
    // left. Sleeping and waiting processes are not
    // visited: a sleep's end or an awaited event makes them runnable for the
    // next tick. A process spawned during a tick first runs in the next.
    void tick();

    // Ticks until finished or `max_ticks`; returns the wall time in milliseconds.
    double run(std::uint64_t max_ticks = 1000);

    bool is_finished() const { return is_finished_; }
    // Processes by PID, the live ones and those ended in this tick (removed
    // once reported, at its end); the Os owns them.
    using ProcessList = PointerVector<Process>;
    const ProcessList& processes() const { return processes_; }
    // How many of them are still alive (ProcessLimits::max_processes counts these).
    std::size_t live_processes() const;
    Process* find(Pid pid) const;
    Runtime& runtime() const { return runtime_; }
    // Bytes of Lua memory this VM holds (RuntimeOptions::memory_limit caps it).
    std::size_t memory_used() const;
    // What the VM has cost so far, ended processes included.
    VmStats stats() const;
    // Ticks so far (tick() calls).
    std::uint64_t ticks() const { return ticks_; }
    // The VM this Os belongs to, or null for a stand-alone Os.
    const VirtualMachine* vm() const { return vm_; }
    VirtualMachine* vm() { return vm_; }

private:
    // The engine's side, for the kernel alone (src/kernel/kernel_access.hpp).
    friend class Process;
    friend struct KernelAccess;
    friend void scheduler_run_slice(Runtime& runtime, Process& process);
    friend Delivery deliver_message(Os& os, Pid to, Pid from, std::string& bytes);

    // The process API's bookkeeping (src/kernel/os_bookkeeping.hpp).
    void note_ended(Process& process);
    void wake(Process& process);
    OsBookkeeping& bookkeeping();
    void account_turn_sat_out();
    MemoryAccount* memory_account() const { return memory_; }
    void park(Process& process);
    void wake_due_timers();
    // Tells the listener, for calls from outside a tick.
    void became_active();
    void reap_ended();
    void collect_if_much_ended(std::size_t ended_memory);
    static constexpr std::size_t kCollectAfterEndedShare = 4;  // a quarter of the VM's limit

    // What every tick reads or writes comes first, together: a tick of a
    // large cluster visits each VM once, and every cache line of it that the
    // tick touches is a miss.
    Runtime& runtime_;
    PointerVector<Process> runnable_;  // by PID: what the next tick runs
    std::unique_ptr<OsBookkeeping> bookkeeping_;  // created on first use (src/kernel/os_bookkeeping.hpp)
    std::uint64_t ticks_ = 0;
    bool is_finished_ = false;
    bool ticking_ = false;
    std::atomic<Pid> next_pid_{1};
    ProcessList processes_;
    VirtualMachine* vm_;
    MemoryAccount* memory_;
    // VmStats's counters are not kept here: stats() adds up the live
    // processes' and those the kernel keeps of the ended ones, counts spawns
    // by the PIDs handed out and reads the memory figures from the account.
    // A million idle VMs save 56 bytes each.
};

}  // namespace luaos
