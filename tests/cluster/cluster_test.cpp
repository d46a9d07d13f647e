// The cluster and its game loop.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <regex>
#include <sstream>
#include <thread>
#include <atomic>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Cluster, DropsAVmOnceItsOsIsFinished) {
    Cluster cluster;
    VirtualMachine& quick = cluster.create_vm();
    quick.os().spawn_process("coroutine.yield()", "quick.lua");
    VirtualMachine& slow = cluster.create_vm();
    slow.os().spawn_process("coroutine.yield() coroutine.yield()", "slow.lua");
    EXPECT_EQ(cluster.vm_count(), 2u);

    cluster.tick();
    EXPECT_EQ(cluster.vm_count(), 2u);
    cluster.tick();
    EXPECT_EQ(cluster.vm_count(), 1u) << "the quick VM's only process finished in frame 2";
    cluster.tick();
    EXPECT_EQ(cluster.vm_count(), 0u);
    EXPECT_EQ(cluster.ticks(), 3u);
}

TEST(Cluster, CreatesVmsWithSerialsInCreationOrder) {
    Cluster cluster({.threads = 3});
    for (std::uint64_t i = 0; i < 7; ++i) EXPECT_EQ(cluster.create_vm().serial(), i);
    EXPECT_EQ(cluster.shard_count(), 3u);
    std::set<std::uint64_t> seen;
    cluster.for_each_vm([&](VirtualMachine& vm) { seen.insert(vm.serial()); });
    EXPECT_EQ(seen.size(), 7u);
}

TEST(Cluster, RunEndsWhenEveryVmIsDone) {
    Cluster cluster;
    for (int i = 0; i < 3; ++i) cluster.create_vm().os().spawn_process("for i = 1, 4 do coroutine.yield() end", "y.lua");
    RunStats stats = cluster.run({.max_ticks = 100});
    EXPECT_EQ(stats.ticks, 5u);
    EXPECT_FALSE(stats.hit_tick_limit);
    EXPECT_GE(stats.elapsed_ms, 0.0);
}

TEST(Cluster, RunStopsAtTheTickLimit) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 100}});
    cluster.create_vm().os().spawn_process("while true do end", "spin.lua");
    RunStats stats = cluster.run({.max_ticks = 12});
    EXPECT_EQ(stats.ticks, 12u);
    EXPECT_TRUE(stats.hit_tick_limit);
    EXPECT_EQ(cluster.vm_count(), 1u);
}

TEST(Cluster, RunStopsAtTheEndOfTheTickInWhichStopIsSet) {
    Cluster cluster;
    cluster.create_vm().os().spawn_process("while true do coroutine.yield() end", "forever.lua");
    std::atomic<bool> stop{false};
    RunStats stats = cluster.run({.max_ticks = 100, .after_tick = [&] { stop = cluster.ticks() == 3; }, .stop = &stop});
    EXPECT_EQ(stats.ticks, 3u);
    EXPECT_TRUE(stats.stopped);
    EXPECT_FALSE(stats.hit_tick_limit) << "the limit was not what stopped it";
    EXPECT_EQ(cluster.vm_count(), 1u);
}

TEST(Cluster, RunSetToStopBeforeItStartsTicksNothing) {
    Cluster cluster;
    cluster.create_vm().os().spawn_process("while true do coroutine.yield() end", "forever.lua");
    std::atomic<bool> stop{true};
    RunStats stats = cluster.run({.max_ticks = 100, .stop = &stop});
    EXPECT_EQ(stats.ticks, 0u);
    EXPECT_TRUE(stats.stopped);
}

// A paced frame of 1000 s: only a sleep that sees the stop ends in time.
TEST(Cluster, StopCutsThePacingSleepShort) {
    Cluster cluster;
    cluster.create_vm().os().spawn_process("while true do coroutine.yield() end", "forever.lua");
    std::atomic<bool> stop{false};
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stop = true;
    });
    RunStats stats = cluster.run({.max_ticks = 5, .ticks_per_second = 0.001, .stop = &stop});
    stopper.join();
    EXPECT_LE(stats.ticks, 1u);
    EXPECT_TRUE(stats.stopped);
}

TEST(Cluster, StopDoesNotCountWhenEveryVmIsDone) {
    Cluster cluster;
    cluster.create_vm().os().spawn_process("return 1", "quick.lua");
    std::atomic<bool> stop{false};
    RunStats stats = cluster.run({.after_tick = [&] { stop = true; }, .stop = &stop});
    EXPECT_EQ(stats.ticks, 1u);
    EXPECT_FALSE(stats.stopped) << "nothing was left running";
    EXPECT_FALSE(stats.hit_tick_limit);
}

TEST(Cluster, VmsCannotSeeEachOthersGlobals) {
    Cluster cluster;
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    cluster.create_vm().os().spawn_process("owner = 'vm0'", "a.lua");
    cluster.create_vm().os().spawn_process("coroutine.yield() print(owner)", "b.lua");
    cluster.run({});
    auto exits = recorder.exits();
    ASSERT_EQ(exits.size(), 2u);
    EXPECT_EQ(exits[1].output, "nil\n");
}

// Every VM's outcome, keyed by serial, for comparing runs.
std::map<std::uint64_t, std::string> outcomes(unsigned threads, std::size_t shard_vms = 0) {
    struct Observer : ProcessObserver {
        std::mutex mutex;
        std::map<std::uint64_t, std::string> by_vm;
        void on_exit(const Process& process) override {
            std::lock_guard lock(mutex);
            by_vm[process.os().vm()->serial()] += std::to_string(process.pid()) + ":" + process.output() + process.error();
        }
    } observer;
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 50},
                     .threads = threads,
                     .shard_vms = shard_vms});
    cluster.set_observer(&observer);
    for (int i = 0; i < 40; ++i) {
        VirtualMachine& vm = cluster.create_vm();
        std::string n = std::to_string(i * 37 % 11 + 1);
        vm.os().spawn_process("local s = 0 for i = 1, " + n + " * 1000 do s = s + i % 7 end print(s)", "sum.lua");
        vm.os().spawn_process("g = " + n + " coroutine.yield() if g > 6 then error('big ' .. g) end print(g)", "g.lua");
    }
    cluster.run({.max_ticks = 10000});
    return observer.by_vm;
}

TEST(Cluster, ShardsOnSeveralThreadsGiveTheSameResults) {
    auto single = outcomes(1);
    auto parallel = outcomes(2);
    auto wide = outcomes(5);
    EXPECT_EQ(single.size(), 40u);
    EXPECT_EQ(single, parallel);
    EXPECT_EQ(single, wide);
    EXPECT_EQ(single, outcomes(1, 3)) << "14 shards on one worker";
    EXPECT_EQ(single, outcomes(2, 7)) << "3 shards on each of two workers";
}

TEST(Cluster, PacedRunKeepsTheRate) {
    Cluster cluster;
    cluster.create_vm().os().spawn_process("for i = 1, 5 do coroutine.yield() end", "y.lua");
    RunStats stats = cluster.run({.max_ticks = 100, .ticks_per_second = 100});
    EXPECT_EQ(stats.ticks, 6u);
    // Six ticks at 100 per second leave at least five 10 ms frame gaps.
    EXPECT_GE(stats.elapsed_ms, 50.0);
}

TEST(Cluster, PacedRunPrintsProgressLines) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 100}});
    cluster.create_vm().os().spawn_process("while true do end", "spin.lua");
    cluster.create_vm().os().spawn_process("while true do end", "spin.lua");
    std::ostringstream progress;
    cluster.run({.max_ticks = 3, .ticks_per_second = 1000, .progress = &progress,
                 .progress_every = std::chrono::seconds(0)});
    const std::regex line(
        R"(tick \d+ \| 2 VMs active \| uptime \d+s \| 2 processes \| [0-9.]+ ticks/s \| [01]/1 ticks over their frame)"
        R"(( \| overloaded: 1/1 ticks hit the frame budget, 1 VM turns postponed)?)"
        R"( \| slowest: vm [01] pid 1 \(spin\.lua\) [0-9.]+ ms)");
    std::istringstream lines(progress.str());
    int count = 0;
    for (std::string text; std::getline(lines, text); ++count) EXPECT_TRUE(std::regex_match(text, line)) << text;
    EXPECT_EQ(count, 3);
}

// Twenty VMs that never yield, 50 us slices, and a frame budget of 200 us:
// only a few VMs fit in a tick. Each tick starts where the last one stopped,
// so no VM ever gets more than one turn more than another.
TEST(FrameBudget, ATickStopsAtItsBudgetAndTurnsRotate) {
    Cluster cluster({.runtime = {.time_slice_us = kMinTimeSliceUs}});
    for (int i = 0; i < 20; ++i) cluster.create_vm().os().spawn_process("while true do end", "spin.lua");
    std::uint64_t deferred_ticks = 0;
    for (int tick = 0; tick < 100; ++tick) {
        cluster.tick(std::chrono::steady_clock::now() + std::chrono::microseconds(200));
        const TickStats& stats = cluster.last_tick();
        EXPECT_EQ(stats.processes_run + stats.turns_sat_out + stats.vms_deferred, 20u);
        EXPECT_GE(stats.processes_run, 1u) << "a tick always makes progress";
        if (stats.vms_deferred > 0) ++deferred_ticks;
    }
    EXPECT_GT(deferred_ticks, 50u) << "twenty 50 us slices cannot fit in 200 us";
    const auto [fewest, most] = turns_per_vm(cluster);
    EXPECT_GT(fewest, 0u);
    EXPECT_LE(most - fewest, 1u);
}

TEST(FrameBudget, RotationSurvivesVmsFinishing) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 100}});
    for (int i = 0; i < 6; ++i) {
        cluster.create_vm().os().spawn_process(i % 2 == 0 ? "coroutine.yield()" : "while true do end", "vm.lua");
    }
    // A deadline already past: each tick gives exactly one VM its turn.
    for (int tick = 0; tick < 12; ++tick) {
        cluster.tick(std::chrono::steady_clock::now() - std::chrono::seconds(1));
        EXPECT_EQ(cluster.last_tick().processes_run, 1u);
    }
    EXPECT_EQ(cluster.vm_count(), 3u) << "each quick VM needed two turns and had them";
    const auto [fewest, most] = turns_per_vm(cluster);
    EXPECT_LE(most - fewest, 1u);
}

TEST(FrameBudget, OverloadShowsOnTheProgressLine) {
    Cluster cluster;
    for (int i = 0; i < 4; ++i) cluster.create_vm().os().spawn_process("while true do end", "spin.lua");
    std::ostringstream progress;
    // 1 ms frames; four VMs of 1 ms slices cannot all run in one.
    cluster.run({.max_ticks = 5, .ticks_per_second = 1000, .progress = &progress,
                 .progress_every = std::chrono::seconds(0)});
    EXPECT_NE(progress.str().find("ticks hit the frame budget"), std::string::npos) << progress.str();
    EXPECT_NE(progress.str().find("VM turns postponed"), std::string::npos) << progress.str();
}

// A VM whose processes all sleep or wait is set aside by its shard; it comes
// back when its timer ends or the host gives it work, with its sleeps counted
// in ticks exactly as a stand-alone Os counts them.
std::uint64_t ticks_to_finish_alone(const char* code) {
    Runtime runtime;
    Os os(runtime);
    os.spawn_process(code, "sleeper.lua");
    std::uint64_t ticks = 0;
    while (!os.is_finished()) {
        os.tick();
        ++ticks;
    }
    return ticks;
}

// With shard_vms = 1, the busy VM and the sleeper are in shards of their own.
class SleeperTest : public testing::TestWithParam<std::size_t> {};

TEST_P(SleeperTest, ASleepingVmIsSetAsideAndWakesOnItsTick) {
    const char* sleeper = "os.sleep(3) coroutine.yield() os.sleep(5) print('done')";
    Cluster cluster({.shard_vms = GetParam()});
    cluster.create_vm().os().spawn_process("while true do end", "busy.lua");
    VirtualMachine& sleeping = cluster.create_vm();
    sleeping.os().spawn_process(sleeper, "sleeper.lua");
    std::uint64_t finished_at = 0;
    bool seen_aside = false;
    for (std::uint64_t tick = 1; tick <= 30 && finished_at == 0; ++tick) {
        cluster.tick();
        if (cluster.awake_vm_count() == 1) seen_aside = true;
        if (cluster.vm_count() == 1) finished_at = tick;
    }
    EXPECT_TRUE(seen_aside);
    EXPECT_EQ(finished_at, ticks_to_finish_alone(sleeper));
}

INSTANTIATE_TEST_SUITE_P(IdleVms, SleeperTest, testing::Values(0, 1));

TEST(IdleVms, HostWorkWakesAVmSetAside) {
    Cluster cluster;
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    VirtualMachine& reader = cluster.create_vm();
    reader.os().spawn_process("print('got ' .. io.read())", "reader.lua");
    for (int tick = 0; tick < 3; ++tick) cluster.tick();
    EXPECT_EQ(cluster.awake_vm_count(), 0u) << "the reader waits on its stdin";
    EXPECT_EQ(cluster.vm_count(), 1u);
    EXPECT_EQ(reader.os().write_stdin(1, "hello"), Delivery::Delivered);
    cluster.tick();
    EXPECT_EQ(cluster.vm_count(), 0u);
    EXPECT_EQ(recorder.of(1).output, "got hello\n");
}

TEST(IdleVms, AKilledSleeperIsReportedAndItsVmDropped) {
    Cluster cluster;
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    VirtualMachine& vm = cluster.create_vm();
    vm.os().spawn_process("os.sleep(1000000)", "sleeper.lua");
    cluster.tick();
    EXPECT_EQ(cluster.awake_vm_count(), 0u);
    EXPECT_TRUE(vm.os().kill(1));
    cluster.tick();
    EXPECT_EQ(recorder.of(1).status, ProcessStatus::Killed);
    EXPECT_EQ(cluster.vm_count(), 0u);
}

TEST(Cluster, UnpacedRunPrintsNoProgress) {
    Cluster cluster;
    cluster.create_vm().os().spawn_process("coroutine.yield()", "y.lua");
    std::ostringstream progress;
    cluster.run({.progress = &progress, .progress_every = std::chrono::seconds(0)});
    EXPECT_EQ(progress.str(), "");
}

}  // namespace
}  // namespace luaos::test

namespace luaos::test {
namespace {

TEST(Cluster, AfterTickRunsOncePerTickBetweenTicks) {
    Cluster cluster({.threads = 2});
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    for (int i = 0; i < 4; ++i) cluster.create_vm().os().spawn_process("coroutine.yield() coroutine.yield()", "y.lua");
    std::vector<std::size_t> exits_seen;
    RunStats stats = cluster.run({.after_tick = [&] { exits_seen.push_back(recorder.exits().size()); }});
    EXPECT_EQ(stats.ticks, 3u);
    EXPECT_EQ(exits_seen, (std::vector<std::size_t>{0, 0, 4}));
}

}  // namespace
}  // namespace luaos::test
