// How a worker spreads its VMs over Lua states: each shard holds at most
// ClusterOptions::shard_vms VMs, and a worker ticks its shards one after
// another within one frame budget.

#include <gtest/gtest.h>

#include <pthread.h>

#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

constexpr const char* kSpin = "while true do end";

TEST(Shards, AWorkerOpensAShardWhenItsShardsAreFull) {
    Cluster cluster({.threads = 1, .shard_vms = 3});
    std::vector<const Runtime*> runtimes;
    for (int i = 0; i < 7; ++i) runtimes.push_back(&cluster.create_vm().os().runtime());
    EXPECT_EQ(cluster.shard_count(), 3u);
    EXPECT_EQ(runtimes[0], runtimes[2]);
    EXPECT_NE(runtimes[2], runtimes[3]);
    EXPECT_EQ(runtimes[3], runtimes[5]);
    EXPECT_NE(runtimes[5], runtimes[6]);
}

TEST(Shards, EachWorkerFillsShardsOfItsOwn) {
    Cluster cluster({.threads = 2, .shard_vms = 2});
    std::vector<const Runtime*> runtimes;
    for (int i = 0; i < 8; ++i) runtimes.push_back(&cluster.create_vm().os().runtime());
    EXPECT_EQ(cluster.shard_count(), 4u);
    // VMs alternate between the workers: 0, 2 share one worker's first shard.
    EXPECT_EQ(runtimes[0], runtimes[2]);
    EXPECT_NE(runtimes[0], runtimes[1]);
    EXPECT_EQ(runtimes[1], runtimes[3]);
    EXPECT_NE(runtimes[2], runtimes[4]);
}

TEST(Shards, ANewVmTakesTheRoomOfOneThatFinished) {
    Cluster cluster({.threads = 1, .shard_vms = 2});
    cluster.create_vm().os().spawn_process("while true do coroutine.yield() end", "stay.lua");
    cluster.create_vm().os().spawn_process("coroutine.yield()", "quick.lua");
    cluster.create_vm().os().spawn_process("while true do coroutine.yield() end", "stay.lua");
    ASSERT_EQ(cluster.shard_count(), 2u);
    cluster.tick();
    cluster.tick();
    ASSERT_EQ(cluster.vm_count(), 2u) << "quick.lua finished";
    cluster.create_vm();
    cluster.create_vm();
    EXPECT_EQ(cluster.shard_count(), 2u) << "the second shard's room, then the first's";
    cluster.create_vm();
    EXPECT_EQ(cluster.shard_count(), 3u);
}

TEST(Shards, AnObserverHearsShardsOpenedAfterIt) {
    Cluster cluster({.threads = 1, .shard_vms = 1});
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    for (int i = 0; i < 4; ++i) cluster.create_vm().os().spawn_process("print('hi')", "hi.lua");
    EXPECT_EQ(cluster.shard_count(), 4u);
    cluster.run({});
    ASSERT_EQ(recorder.exits().size(), 4u);
    for (const Exit& exit : recorder.exits()) EXPECT_EQ(exit.output, "hi\n");
}

// Past the deadline, only the worker's first turn runs, not one per shard:
// a frame overruns by one slice at most, however many shards a worker has.
TEST(ShardFrameBudget, PastTheDeadlineOneTurnRunsPerWorkerNotPerShard) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 100},
                     .threads = 1,
                     .shard_vms = 2});
    for (int i = 0; i < 10; ++i) cluster.create_vm().os().spawn_process(kSpin, "spin.lua");
    ASSERT_EQ(cluster.shard_count(), 5u);
    for (int tick = 0; tick < 10; ++tick) {
        cluster.tick(std::chrono::steady_clock::now() - std::chrono::seconds(1));
        EXPECT_EQ(cluster.last_tick().processes_run, 1u);
        EXPECT_EQ(cluster.last_tick().vms_deferred, 9u);
    }
    const auto [fewest, most] = turns_per_vm(cluster);
    EXPECT_EQ(fewest, 1u) << "ten ticks of one turn each went to ten different VMs";
    EXPECT_EQ(most, 1u);
}

// The shard a deadline cut goes first next tick, so the VMs of the shards
// after it are not starved by those before it.
TEST(ShardFrameBudget, TurnsRotateAcrossShards) {
    Cluster cluster({.runtime = {.time_slice_us = kMinTimeSliceUs}, .threads = 1, .shard_vms = 3});
    for (int i = 0; i < 20; ++i) cluster.create_vm().os().spawn_process(kSpin, "spin.lua");
    ASSERT_EQ(cluster.shard_count(), 7u);
    std::uint64_t deferred_ticks = 0;
    for (int tick = 0; tick < 100; ++tick) {
        cluster.tick(std::chrono::steady_clock::now() + std::chrono::microseconds(200));
        const TickStats& stats = cluster.last_tick();
        EXPECT_EQ(stats.processes_run + stats.turns_sat_out + stats.vms_deferred, 20u);
        if (stats.vms_deferred > 0) ++deferred_ticks;
    }
    EXPECT_GT(deferred_ticks, 50u) << "twenty 50 us slices cannot fit in 200 us";
    const auto [fewest, most] = turns_per_vm(cluster);
    EXPECT_GT(fewest, 0u);
    EXPECT_LE(most - fewest, 1u);
}

// The slice that may run past the frame budget watches its own clock, so
// that it ends on time even when the watchdog's signal is late: here it
// cannot reach the thread at all. Also when the script loops in a coroutine
// of its own, or where Lua cannot yield (there its CPU budget ends it).
struct FrameEndCase {
    const char* code;
    ProcessStatus status;
};

class FrameEndTest : public testing::TestWithParam<FrameEndCase> {};

TEST_P(FrameEndTest, TheSliceThatEndsTheFrameEndsOnTimeWithoutTheWatchdog) {
    Cluster cluster({.runtime = {.time_slice_us = 2000, .cpu_budget = 200'000}, .threads = 1});
    // A first slice lets the engine unblock the watchdog's signal on this
    // thread, which it does once per thread.
    cluster.create_vm().os().spawn_process("while true do coroutine.yield() end", "first.lua");
    cluster.tick();
    VirtualMachine& vm = cluster.create_vm();
    const Pid pid = vm.os().spawn_process(GetParam().code, "spin.lua").pid;
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    sigset_t watchdog_signal;
    sigset_t previous;
    sigemptyset(&watchdog_signal);
    sigaddset(&watchdog_signal, SIGURG);
    pthread_sigmask(SIG_BLOCK, &watchdog_signal, &previous);
    const auto start = std::chrono::steady_clock::now();
    cluster.tick(start + std::chrono::microseconds(500));
    const auto took = std::chrono::steady_clock::now() - start;
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    cluster.set_observer(nullptr);
    EXPECT_LT(took, std::chrono::milliseconds(50)) << "a 2 ms slice, which nothing else would end";
    if (GetParam().status == ProcessStatus::Ready) {
        ASSERT_NE(vm.os().find(pid), nullptr);
        EXPECT_EQ(vm.os().find(pid)->stats().preemptions, 1u);
    } else {
        ASSERT_EQ(recorder.exits().size(), 1u);
        EXPECT_EQ(recorder.exits()[0].status, GetParam().status) << recorder.exits()[0].error;
    }
}

INSTANTIATE_TEST_SUITE_P(
    ShardFrameBudget, FrameEndTest,
    testing::Values(FrameEndCase{kSpin, ProcessStatus::Ready},
                    FrameEndCase{"local co = coroutine.create(function() while true do end end) coroutine.resume(co)",
                                 ProcessStatus::Ready},
                    FrameEndCase{"table.sort({3, 2, 1}, function() while true do end end)", ProcessStatus::Killed}));

// Only that slice pays for a hook: one far from the frame's end runs without
// any until the watchdog finds it overdue, and that hook fires once (one
// instruction counted); the clock-reading hook counts in strides of 1,000.
TEST(ShardFrameBudget, OnlyTheSliceThatMayEndPastTheFrameRunsWithAHook) {
    Cluster cluster({.runtime = {.time_slice_us = 1000}, .threads = 1});
    VirtualMachine& vm = cluster.create_vm();
    const Process& process = *vm.os().find(vm.os().spawn_process(kSpin, "spin.lua").pid);
    cluster.tick(std::chrono::steady_clock::now() + std::chrono::seconds(10));
    EXPECT_EQ(process.stats().instructions, 1u);
    cluster.tick(std::chrono::steady_clock::now() + std::chrono::microseconds(100));
    EXPECT_EQ(process.stats().instructions, 1001u);
    EXPECT_EQ(process.stats().preemptions, 2u);
}

// Which threads ran the slices of each VM, by serial.
class SliceThreads : public ProcessObserver {
public:
    void on_slice(const Process& process, const SliceRecord&) override {
        std::lock_guard lock(mutex_);
        ++slices_[process.os().vm()->serial()][std::this_thread::get_id()];
    }
    std::map<std::uint64_t, std::map<std::thread::id, int>> slices() const {
        std::lock_guard lock(mutex_);
        return slices_;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::map<std::thread::id, int>> slices_;
};

// Without a frame budget a worker that runs out of shards of its own runs
// another worker's: here one worker's VMs all sleep, and it helps the other
// with its CPU-bound ones, each of which still has one turn per tick.
TEST(SharedTicks, AWorkerWithNothingToDoRunsAnotherWorkersShards) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 200'000},
                     .threads = 2,
                     .shard_vms = 1});
    SliceThreads threads;
    cluster.set_observer(&threads);
    // Serials alternate between the workers: the even ones are worker 0's.
    for (int i = 0; i < 16; ++i) {
        cluster.create_vm().os().spawn_process(i % 2 == 0 ? kSpin : "os.sleep(math.maxinteger)", "vm.lua");
    }
    constexpr int kTicks = 6;
    for (int tick = 0; tick < kTicks; ++tick) cluster.tick();
    cluster.set_observer(nullptr);

    std::set<std::thread::id> busy_workers;
    int busy_vms = 0;
    for (const auto& [serial, by_thread] : threads.slices()) {
        if (serial % 2 != 0) continue;
        ++busy_vms;
        int slices = 0;
        for (const auto& [thread, count] : by_thread) {
            busy_workers.insert(thread);
            slices += count;
        }
        EXPECT_EQ(slices, kTicks) << "VM " << serial;
    }
    EXPECT_EQ(busy_vms, 8);
    EXPECT_EQ(busy_workers.size(), 2u) << "the idle worker ran some of the busy one's shards";
}

}  // namespace
}  // namespace luaos::test
