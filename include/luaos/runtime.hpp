#pragma once
// A Runtime is one Lua state that many VMs share: sharing is what makes a VM
// cost about a kilobyte instead of a whole interpreter. A Runtime is
// single-threaded; a multi-core Cluster owns one Runtime per worker shard.
// The runtime runs tasks (luaos/detail/task.hpp), one slice at a time; what a
// task is beyond that (a process of an Os) is the kernel's.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <optional>

#include "luaos/memory.hpp"

struct lua_State;

namespace luaos {

class Task;
class TaskHandlers;
class ProcessObserver;
class Preemption;
class ChunkCache;
class ProcessNames;
class OsActivityListener;
class Allocator;

// How a running process is made to give the CPU back (docs/scheduling.md).
enum class PreemptionMode : std::uint8_t {
    // A slice lasts about `time_slice_us` of CPU time. Nothing watches the
    // script while it runs; a timer on its thread interrupts it once the
    // slice is over. Scripts run at raw Lua speed. The default.
    Deadline,
    // A slice lasts `quantum` VM instructions, the same on every run (for
    // games that need reproducible schedules); Lua's count hook makes every
    // instruction about twice as slow.
    InstructionCount,
};

// The default quantum of the instruction-count mode, chosen by measurement
// (docs/scheduling.md): a slice of about 6.5 us keeps some 2,500 busy
// processes within one 60 Hz frame on one core, for about 7% less throughput
// than a quantum of 10,000.
inline constexpr std::uint32_t kDefaultQuantum = 1000;
// The default slice of the deadline mode; a slice lasts between half of it
// and all of it (docs/scheduling.md).
inline constexpr std::uint32_t kDefaultTimeSliceUs = 1000;
inline constexpr std::uint32_t kMinTimeSliceUs = 50;

// Defaults of the limits a hostile script runs into (docs/security.md).
inline constexpr std::uint64_t kDefaultCpuBudget = 1'000'000;
inline constexpr std::size_t kDefaultMemoryLimit = std::size_t{16} << 20;
inline constexpr std::uint32_t kDefaultMemoryErrorsAllowed = 2;
inline constexpr std::uint32_t kDefaultMemoryErrorWindow = 100;

struct RuntimeOptions {
    PreemptionMode preemption = PreemptionMode::Deadline;
    // InstructionCount mode: VM instructions a process may run per slice.
    std::uint32_t quantum = kDefaultQuantum;
    // Deadline mode: microseconds a process may run per slice (at least
    // kMinTimeSliceUs).
    std::uint32_t time_slice_us = kDefaultTimeSliceUs;
    // VM instructions (and builtin steps, such as pattern matching) a process
    // may run in one slice where it cannot be preempted; past it, it is killed.
    // In the deadline mode, instructions count from the slice's deadline on.
    std::uint64_t cpu_budget = kDefaultCpuBudget;
    // Bytes of Lua memory one VM may hold; past it, allocations fail with
    // Lua's memory error ("not enough memory"), which the process that asked
    // may catch, as in Lua.
    std::size_t memory_limit = kDefaultMemoryLimit;
    // A process may catch this many memory errors within
    // `memory_error_window` ticks of the first; at one more it is doomed
    // (failed). Each such error costs an emergency collection of the whole
    // shared Lua state, so a script must not retry in a loop (docs/security.md).
    std::uint32_t memory_errors_allowed = kDefaultMemoryErrorsAllowed;
    std::uint32_t memory_error_window = kDefaultMemoryErrorWindow;
    // Whether slices are timed (ProcessStats::cpu_ns, TickStats); counts of
    // slices, instructions and memory are kept either way.
    bool accounting = true;
};

class Runtime {
public:
    // `cap`, if given, bounds this runtime's memory together with every other
    // runtime sharing it (a Cluster gives all its shards one cap).
    explicit Runtime(RuntimeOptions options = {}, std::shared_ptr<MemoryCap> cap = nullptr);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    const RuntimeOptions& options() const { return options_; }

    // The raw state, for hosts that add their own functions to the sandbox.
    lua_State* lua() const { return L_; }

    // Receives process output and exits of every Os on this runtime; may be
    // null. The runtime only keeps it (and the listener below) for the
    // kernel, which calls them.
    void set_observer(ProcessObserver* observer) { observer_ = observer; }
    ProcessObserver* observer() const { return observer_; }
    // Hears when an Os of this runtime has work again because of a call from
    // outside its tick (luaos/os.hpp); may be null. A cluster's shard sets it.
    void set_activity_listener(OsActivityListener* listener) { activity_listener_ = listener; }
    OsActivityListener* activity_listener() const { return activity_listener_; }

    // Bytes of Lua memory this runtime holds, for all its VMs.
    std::size_t memory_used() const;
    // The runtime a Lua state (any thread) of it belongs to, for a host's
    // own functions.
    static Runtime& of(lua_State* L);

private:
    // The engine's side (src/runtime/runtime_access.hpp).
    friend struct RuntimeAccess;

    // The kernel's handlers for what happens to its tasks (runtime/task_handlers.hpp).
    void install_task_handlers(std::unique_ptr<TaskHandlers> handlers);
    void enter_slice(Task& task);
    void leave_slice();
    bool charge_slice_work(std::uint64_t work);
    bool charge_instructions(std::uint64_t instructions);
    bool within_cpu_budget() const { return slice_work_ <= options_.cpu_budget; }
    // The clock that times slices (kernel/slice_clock.hpp).
    struct SliceClock {
        bool ticking = false;      // within a SliceClockScope
        std::uint64_t now_ns = 0;  // the last reading: the next slice's start
    };
    // What Lua's "not enough memory" stands for: the limit that refused last.
    std::string memory_error_text() const;
    // A script caught Lua's memory error (runtime/memory_errors.hpp).
    void count_memory_error();
    void on_memory_refused(bool cluster_cap, bool again);

    RuntimeOptions options_;
    std::unique_ptr<Allocator> allocator_;  // outlives the state: lua_close frees through it
    lua_State* L_ = nullptr;
    Task* current_ = nullptr;
    std::uint64_t slice_work_ = 0;
    std::uint64_t slice_instructions_ = 0;
    SliceClock slice_clock_;
    ProcessObserver* observer_ = nullptr;
    OsActivityListener* activity_listener_ = nullptr;
    std::unique_ptr<Preemption> preemption_;
    std::unique_ptr<ChunkCache> chunks_;
    std::unique_ptr<ProcessNames> process_names_;
    std::string stack_overflow_;  // capacity reserved: it is set from the allocator
    bool last_refusal_by_cap_ = false;
    std::unique_ptr<TaskHandlers> task_handlers_;
};

}  // namespace luaos
