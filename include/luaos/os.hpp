#pragma once
// The Os of one VM (the seed's OS): its processes, a PID allocator and tick().

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "luaos/dialect.hpp"
#include "luaos/process.hpp"
#include "luaos/stats.hpp"

namespace luaos {

class Runtime;
class VirtualMachine;
struct MemoryAccount;

struct SpawnResult {
    Pid pid = 0;
    std::string error;  // the compile error, naming the chunk and line; empty on success
    bool ok() const { return error.empty(); }
};

class Os {
public:
    explicit Os(Runtime& runtime, const VirtualMachine* vm = nullptr);
    ~Os();
    Os(const Os&) = delete;
    Os& operator=(const Os&) = delete;

    // Compiles `code` (chunk name `name`, written in `dialect`) into a new
    // process. A compile error still takes a PID: the process is recorded as
    // failed and removed on the next tick, so every spawn is reported exactly once.
    SpawnResult spawn_process(std::string_view code, std::string_view name, Dialect dialect = Dialect::Lua);

    // Resumes each unfinished process for one slice, removes finished ones,
    // then marks the Os finished when none is left (the seed's tick()).
    void tick();

    // Ticks until finished or `max_ticks`; returns the wall time in milliseconds.
    double run(std::uint64_t max_ticks = 1000);

    bool is_finished() const { return is_finished_; }
    const std::vector<std::unique_ptr<Process>>& processes() const { return processes_; }
    Process* find(Pid pid) const;
    Runtime& runtime() const { return runtime_; }
    // Bytes of Lua memory this VM holds (RuntimeOptions::memory_limit caps it).
    std::size_t memory_used() const;
    // What the VM has cost so far, ended processes included.
    VmStats stats() const;
    // Ticks so far (tick() calls).
    std::uint64_t ticks() const { return ticks_; }
    void account_slice(const SliceRecord& slice);  // engine internal
    void account_output(std::size_t bytes) { stats_.stdout_bytes += bytes; }
    MemoryAccount* memory_account() const { return memory_; }
    // The VM this Os belongs to, or null for a stand-alone Os.
    const VirtualMachine* vm() const { return vm_; }

private:
    Runtime& runtime_;
    const VirtualMachine* vm_;
    MemoryAccount* memory_;
    std::vector<std::unique_ptr<Process>> processes_;
    std::atomic<Pid> next_pid_{1};
    bool is_finished_ = false;
    std::uint64_t ticks_ = 0;
    VmStats stats_;  // the counters; memory figures are read from the account
};

}  // namespace luaos
