#pragma once
// A Runtime is one Lua state that many VMs share (the seed's create_lua_state):
// sharing is what makes a VM cost about a kilobyte instead of a whole interpreter.
// A Runtime is single-threaded; a multi-core Cluster owns one Runtime per worker shard.

#include <cstdint>
#include <memory>

struct lua_State;

namespace luaos {

class Process;
class ProcessObserver;
class Preemption;
class ChunkCache;

// The default quantum, chosen by measurement (docs/scheduling.md): at 1,000
// instructions a forced switch costs under 2% of the slice, and a slice stays
// around ten microseconds, so thousands of busy processes still fit one frame.
inline constexpr std::uint32_t kDefaultQuantum = 1000;

struct RuntimeOptions {
    // VM instructions a process may run per slice before it is preempted.
    std::uint32_t quantum = kDefaultQuantum;
    // Whether a process keeps what it prints until the host takes it
    // (Process::output). A host that streams output through a
    // ProcessObserver can turn this off so that nothing accumulates.
    bool keep_output = true;
};

class Runtime {
public:
    explicit Runtime(RuntimeOptions options = {});
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    const RuntimeOptions& options() const { return options_; }

    // The raw state, for hosts that add their own functions to the sandbox.
    lua_State* lua() const { return L_; }

    // Receives process output and exits of every Os on this runtime; may be null.
    void set_observer(ProcessObserver* observer) { observer_ = observer; }
    ProcessObserver* observer() const { return observer_; }

    // The process whose slice is executing now, or null between slices.
    Process* current_process() const { return current_; }

    // Engine internals (src/): not part of the stable embedding surface.
    void enter_slice(Process& process);
    void leave_slice();
    Preemption& preemption() { return *preemption_; }
    ChunkCache& chunks() { return *chunks_; }
    static Runtime& of(lua_State* L);

private:
    RuntimeOptions options_;
    lua_State* L_ = nullptr;
    Process* current_ = nullptr;
    ProcessObserver* observer_ = nullptr;
    std::unique_ptr<Preemption> preemption_;
    std::unique_ptr<ChunkCache> chunks_;
};

}  // namespace luaos
