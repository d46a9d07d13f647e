#pragma once
// Test support: one Runtime and one Os, with every process exit recorded.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "luaos/luaos.hpp"

namespace luaos::test {

struct Exit {
    Pid pid = 0;
    ProcessStatus status = ProcessStatus::Ready;
    std::string error;
    std::string output;
    std::uint64_t tick = 0;  // the tick during which it ended (1-based)
    ProcessStats stats;      // its final figures
    std::string traceback;   // Process::traceback()
};

// Records every exit; thread-safe because cluster shards report concurrently.
class ExitRecorder : public ProcessObserver {
public:
    void on_exit(const Process& process) override;
    std::vector<Exit> exits() const;
    // The exit of `pid` (of the only VM); fails the test if there is none.
    Exit of(Pid pid) const;
    std::uint64_t tick = 0;

private:
    mutable std::mutex mutex_;
    std::vector<Exit> exits_;
};

class Harness {
public:
    explicit Harness(RuntimeOptions options = {}, KernelOptions kernel = {});
    Pid spawn(std::string_view code, std::string_view name = "test.lua");
    void tick();
    // Ticks until the Os is finished or `max_ticks` more ticks ran; returns ticks run.
    std::uint64_t run(std::uint64_t max_ticks = 100000);
    Exit exit_of(Pid pid) const { return recorder.of(pid); }

    Runtime runtime;
    Os os;
    ExitRecorder recorder;
};

// Runs one script to its end in a fresh runtime and returns how it ended.
Exit run_script(std::string_view code, RuntimeOptions options = {}, KernelOptions kernel = {});

// What a script that must finish printed (a test failure if it did not finish).
std::string output_of(std::string_view code);

// The fewest and the most turns any live VM of `cluster` has had: slices
// run, and turns sat out.
std::pair<std::uint64_t, std::uint64_t> turns_per_vm(Cluster& cluster);

// Checks that `exit`'s process, which needed `slices` slices of its own, had a
// turn every tick beside a process that never yields. In the deadline mode a
// busy machine can stretch any slice past its deadline, however short the
// work: each slice the deadline cut costs one more tick, and an overrun may
// be repaid by a turn sat out, so the tick is exact only in the count mode.
void expect_a_turn_every_tick(const Harness& harness, const Exit& exit, std::uint64_t slices);

}  // namespace luaos::test
