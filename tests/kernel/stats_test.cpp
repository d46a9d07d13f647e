// Accounting: what processes, VMs and ticks cost.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(ProcessStats, CountSlicesPreemptionsInstructionsAndTicks) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    Pid busy = h.spawn("local n = 0 for i = 1, 3000 do n = n + i end coroutine.yield() print(n)", "busy.lua");
    h.tick();
    ProcessStats running = h.os.find(busy)->stats();
    EXPECT_EQ(running.slices, 1u);
    EXPECT_EQ(running.preemptions, 1u);
    EXPECT_EQ(running.instructions, 100u);
    EXPECT_EQ(running.ticks_alive, 1u);
    EXPECT_GT(running.memory, 0u);
    EXPECT_GE(running.memory_peak, running.memory);
}

TEST(ProcessStats, FinalFiguresReachTheExitObserver) {
    struct Observer : ProcessObserver {
        ProcessStats final_stats;
        void on_exit(const Process& process) override { final_stats = process.stats(); }
    } observer;
    Runtime runtime({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    runtime.set_observer(&observer);
    Os os(runtime);
    os.spawn_process("local n = 0 for i = 1, 3000 do n = n + i end for i = 1, 3 do coroutine.yield() end print(n)",
                     "busy.lua");
    while (!os.is_finished()) os.tick();
    const ProcessStats& stats = observer.final_stats;
    EXPECT_GT(stats.slices, 4u);
    EXPECT_EQ(stats.preemptions, stats.slices - 4) << "three top-level yields and the end are not preemptions";
    EXPECT_EQ(stats.instructions, stats.preemptions * 100);
    EXPECT_EQ(stats.ticks_alive, stats.slices);
    EXPECT_EQ(stats.stdout_bytes, std::string("4501500\n").size());
    EXPECT_GT(stats.cpu_ns, 0u);
}

TEST(ProcessStats, AccountingOffKeepsCountsButNotTime) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100, .accounting = false});
    Pid pid = h.spawn("for i = 1, 3 do coroutine.yield() end");
    h.tick();
    h.tick();
    ProcessStats stats = h.os.find(pid)->stats();
    EXPECT_EQ(stats.slices, 2u);
    EXPECT_EQ(stats.cpu_ns, 0u);
}

TEST(ProcessStats, MemoryIsPerProcessWithinItsVm) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 1000000});
    Pid hungry = h.spawn("data = {} for i = 1, 20000 do data[i] = {i} end coroutine.yield()", "hungry.lua");
    Pid idle = h.spawn("coroutine.yield()", "idle.lua");
    h.tick();
    ProcessStats hungry_stats = h.os.find(hungry)->stats();
    ProcessStats idle_stats = h.os.find(idle)->stats();
    EXPECT_GT(hungry_stats.memory, 20000u * 40);
    EXPECT_LT(idle_stats.memory, 4096u);
    EXPECT_GE(h.os.memory_used(), hungry_stats.memory + idle_stats.memory);
}

TEST(VmStats, AddUpItsProcesses) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    h.spawn("local n = 0 for i = 1, 2000 do n = n + i end print(n)");
    h.spawn("coroutine.yield() print('x')");
    h.spawn("syntax error");
    h.run();
    VmStats stats = h.os.stats();
    EXPECT_EQ(stats.processes_spawned, 3u);
    EXPECT_EQ(stats.ticks, h.recorder.tick);
    EXPECT_EQ(stats.stdout_bytes, std::string("2001000\nx\n").size());
    EXPECT_EQ(stats.instructions, stats.preemptions * 100);
    EXPECT_GT(stats.slices, stats.preemptions);
    EXPECT_GE(stats.memory_peak, stats.memory);
}

TEST(Observer, HearsSpawnsAndSlices) {
    struct Observer : ProcessObserver {
        std::vector<std::string> events;
        void on_spawn(const Process& p) override { events.push_back("spawn " + std::to_string(p.pid())); }
        void on_slice(const Process& p, const SliceRecord& s) override {
            events.push_back("slice " + std::to_string(p.pid()) + (s.preempted ? " preempted" : ""));
        }
        void on_exit(const Process& p) override { events.push_back("exit " + std::to_string(p.pid())); }
    } observer;
    Runtime runtime({.preemption = PreemptionMode::InstructionCount, .quantum = 1000000});
    runtime.set_observer(&observer);
    Os os(runtime);
    os.spawn_process("coroutine.yield()", "a.lua");
    os.spawn_process("oops(", "b.lua");
    while (!os.is_finished()) os.tick();
    EXPECT_EQ(observer.events, (std::vector<std::string>{"spawn 1", "spawn 2", "slice 1", "exit 2", "slice 1",
                                                          "exit 1"}));
}

TEST(TickStats, NameTheLongestSliceOfTheTick) {
    // The slow slice runs about 10 ms, longer than the OS would deschedule a
    // quick one on a busy machine (slices are timed in wall time).
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 100'000'000}, .threads = 2});
    cluster.create_vm().os().spawn_process("coroutine.yield()", "quick.lua");
    cluster.create_vm().os().spawn_process("local n = 0 for i = 1, 2000000 do n = n + i end", "slow.lua");
    cluster.create_vm().os().spawn_process("coroutine.yield()", "quick.lua");
    cluster.tick();
    const TickStats& tick = cluster.last_tick();
    EXPECT_EQ(tick.tick, 1u);
    EXPECT_EQ(tick.processes_run, 3u);
    EXPECT_EQ(tick.longest_name, "slow.lua");
    EXPECT_EQ(tick.longest_vm, 1u);
    EXPECT_EQ(tick.longest_pid, 1u);
    EXPECT_GE(tick.wall_ns, tick.longest_slice_ns);
    EXPECT_EQ(cluster.process_count(), 2u);
}

}  // namespace
}  // namespace luaos::test
