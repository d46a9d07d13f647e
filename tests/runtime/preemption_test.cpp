// Preemption: the instruction-count hook and the deadline watchdog take the
// CPU back, and never break a correct script.

#include <gtest/gtest.h>

#include <dirent.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernel/kernel_access.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Preemption, InfiniteLoopIsPreemptedWhileAnotherProcessFinishes) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    Pid loop = h.spawn("while true do end", "loop.lua");
    Pid worker = h.spawn("local s = 0 for i = 1, 5000 do s = s + i end print(s)", "worker.lua");
    h.run(200);
    Exit exit = h.exit_of(worker);
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output, "12502500\n");
    EXPECT_GT(exit.tick, 1u) << "the worker needs several slices at quantum 100";
    ASSERT_NE(h.os.find(loop), nullptr);
    EXPECT_EQ(h.os.find(loop)->status(), ProcessStatus::Ready);
    EXPECT_FALSE(h.os.is_finished());
}

TEST(Preemption, ProcessResumesWhereItStopped) {
    Exit exit = run_script("local n = 0 for i = 1, 20000 do n = n + 1 end print(n)", {.preemption = PreemptionMode::InstructionCount, .quantum = 50});
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output, "20000\n");
    EXPECT_GT(exit.tick, 100u);
}

TEST(Preemption, SmallerQuantumMeansMoreSlices) {
    const char* work = "local n = 0 for i = 1, 10000 do n = n + i end";
    Exit coarse = run_script(work, {.preemption = PreemptionMode::InstructionCount, .quantum = 10000});
    Exit fine = run_script(work, {.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    EXPECT_LT(coarse.tick, fine.tick);
    EXPECT_GT(fine.tick, 50u * coarse.tick);
}

// `for i = 1, N do end` is one instruction (FORLOOP) per iteration, so N
// iterations are N / quantum slices. Lua marks the instruction a hook yielded
// at so that resuming it does not call the hook again; a countdown restarted
// on resume would keep that mark for the next firing and double the slice.
TEST(Preemption, EveryPreemptedSliceRunsExactlyItsQuantum) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    Pid loop = h.spawn("for i = 1, 100000 do end", "loop.lua");
    h.run(5000);
    ASSERT_EQ(h.exit_of(loop).status, ProcessStatus::Finished);
    const ProcessStats& stats = h.exit_of(loop).stats;
    EXPECT_EQ(stats.preemptions, 1000u);
    EXPECT_EQ(stats.slices, 1001u);
    EXPECT_EQ(stats.instructions, 100000u);
}

// A slice cut short by an explicit yield leaves the countdown part-spent; the
// next slice still gets a whole quantum. The first slice spends some 90 of its
// 100 instructions before it yields; with the countdown left as it was, the
// second would be preempted about 10 instructions into its 150-odd, and again
// 100 later.
TEST(Preemption, SliceAfterAnExplicitYieldGetsAWholeQuantum) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    Pid loop = h.spawn("for i = 1, 80 do end coroutine.yield() for i = 1, 150 do end", "loop.lua");
    h.run(100);
    ASSERT_EQ(h.exit_of(loop).status, ProcessStatus::Finished);
    EXPECT_EQ(h.exit_of(loop).stats.preemptions, 1u);
    EXPECT_EQ(h.exit_of(loop).stats.slices, 3u);
}

TEST(Preemption, TopLevelYieldEndsTheSliceEarly) {
    Exit exit = run_script("coroutine.yield() coroutine.yield(1, 2) coroutine.yield() print('done')");
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output, "done\n");
    EXPECT_EQ(exit.tick, 4u);
}

// The deadline mode (the default): the watchdog interrupts a slice that has
// outlived its time; nothing else does.
TEST(DeadlinePreemption, IsTheDefault) { EXPECT_EQ(RuntimeOptions{}.preemption, PreemptionMode::Deadline); }

TEST(DeadlinePreemption, InfiniteLoopIsPreemptedEveryTick) {
    Harness h;
    Pid loop = h.spawn("while true do end", "loop.lua");
    Pid worker = h.spawn("for i = 1, 3 do coroutine.yield() end print('done')", "worker.lua");
    h.run(10);
    EXPECT_EQ(h.exit_of(worker).output, "done\n");
    expect_a_turn_every_tick(h, h.exit_of(worker), 4);
    ASSERT_NE(h.os.find(loop), nullptr);
    ProcessStats stats = h.os.find(loop)->stats();
    // A slice the watchdog saw late (a busy machine) is repaid by a turn sat out.
    EXPECT_EQ(stats.slices + h.os.stats().turns_sat_out, 10u);
    EXPECT_EQ(stats.preemptions, stats.slices);
}

TEST(DeadlinePreemption, LongWorkIsSplitIntoSlicesAndComesOutRight) {
    Exit exit = run_script("local n = 0 for i = 1, 30000000 do n = n + i % 7 end print(n)",
                           {.time_slice_us = kMinTimeSliceUs});
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "89999997\n");
    EXPECT_GT(exit.tick, 1u) << "tens of milliseconds of work in 50 us slices";
}

TEST(DeadlinePreemption, SlicesThatYieldInTimeAreNeverPreempted) {
    Harness h;
    Pid quick = h.spawn("for i = 1, 200 do local s = 0 for j = 1, 100 do s = s + j end coroutine.yield() end");
    h.run(100);
    ASSERT_NE(h.os.find(quick), nullptr);
    ProcessStats stats = h.os.find(quick)->stats();
    EXPECT_EQ(stats.slices, 100u);
    EXPECT_EQ(stats.preemptions, 0u);
}

TEST(DeadlinePreemption, CpuBudgetStillHoldsWhereTheScriptCannotYield) {
    Exit exit = run_script("table.sort({3, 2, 1}, function(a, b) while true do end end)",
                           {.time_slice_us = kMinTimeSliceUs, .cpu_budget = 200000});
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_EQ(exit.error, "process exceeded 200000 instructions without yielding");
}

std::size_t threads_of_this_process() {
    DIR* tasks = opendir("/proc/self/task");
    if (tasks == nullptr) return 0;
    std::size_t count = 0;
    while (dirent* entry = readdir(tasks)) count += entry->d_name[0] != '.';
    closedir(tasks);
    return count;
}

// The watchdog is a timer on the thread that runs the slice: no thread of
// its own wakes up to look at slices (issue 25).
TEST(DeadlinePreemption, TheWatchdogHasNoThreadOfItsOwn) {
    const std::size_t before = threads_of_this_process();
    ASSERT_GT(before, 0u);
    Harness h({.time_slice_us = kMinTimeSliceUs});
    Pid loop = h.spawn("while true do end", "loop.lua");
    h.run(3);
    ASSERT_NE(h.os.find(loop), nullptr);
    const ProcessStats stats = h.os.find(loop)->stats();
    EXPECT_GE(stats.slices, 1u);
    EXPECT_EQ(stats.preemptions, stats.slices) << "the loop's slices still end";
    EXPECT_EQ(threads_of_this_process(), before);
}

// Runtimes on several threads at once, created and destroyed in turn, must
// never leave a slice without a watchdog (the loop would then never end).
TEST(DeadlinePreemption, RuntimesComeAndGoOnManyThreads) {
    std::vector<std::thread> threads;
    std::atomic<int> preempted{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                Runtime runtime({.time_slice_us = kMinTimeSliceUs});
                Os os(runtime);
                Pid pid = os.spawn_process("while true do end", "loop.lua").pid;
                os.tick();
                if (os.find(pid)->stats().preemptions == 1) ++preempted;
            }
        });
    }
    for (std::thread& thread : threads) thread.join();
    EXPECT_EQ(preempted.load(), 100);
}

// A slice that runs past its end leaves its process owing the excess, which it
// repays by sitting out turns; the other processes keep theirs.
TEST(DeadlinePreemption, ASliceThatOverranIsRepaidBySittingOutTurns) {
    Harness h({.time_slice_us = 1000, .cpu_budget = 1'000'000'000});
    // Tens of milliseconds in a comparator, where Lua cannot yield, then spins.
    Pid overrunner = h.spawn(R"lua(
        local first = true
        table.sort({3, 2, 1}, function(a, b)
            if first then
                first = false
                local x = 0
                for i = 1, 30000000 do x = x + i end
            end
            return a < b
        end)
        while true do end
    )lua",
                             "overrunner.lua");
    // The bystander yields at once, so that its own slices never overrun: a
    // spinning one relies on the watchdog, which a busy machine (ctest -j2)
    // keeps waiting long enough to make it owe turns of its own.
    Pid bystander = h.spawn("while true do coroutine.yield() end", "bystander.lua");
    h.tick();
    Process& process = *h.os.find(overrunner);
    EXPECT_EQ(process.stats().slices, 1u);
    EXPECT_GT(KernelAccess::task(process).slice_debt_ns(), 1'000'000u) << "it owes more than a slice";
    h.run(5);
    EXPECT_GE(h.os.stats().turns_sat_out, 4u);
    EXPECT_LE(process.stats().slices, 2u) << "it owes dozens of slices: it sits its turns out";
    // The machine can still stall a thread mid-slice for a millisecond, so a
    // turn of the six may be owed, but not most of them.
    EXPECT_GE(h.os.find(bystander)->stats().slices, 5u) << "the bystander keeps its turns";
}

TEST(DeadlinePreemption, AProcessOwingAWholeSliceSitsOutOneTurn) {
    Harness h({.time_slice_us = 1000});
    Pid pid = h.spawn("while true do coroutine.yield() end");
    Process& process = *h.os.find(pid);
    KernelAccess::task(process).set_slice_debt_ns(2'500'000);
    h.tick();
    EXPECT_EQ(process.stats().slices, 0u);
    EXPECT_EQ(KernelAccess::task(process).slice_debt_ns(), 1'500'000u);
    h.tick();
    h.tick();
    EXPECT_EQ(process.stats().slices, 1u) << "two turns sat out, then it runs";
    EXPECT_EQ(h.os.stats().turns_sat_out, 2u);
    EXPECT_EQ(KernelAccess::task(process).slice_debt_ns(), 500'000u) << "a slice that yields in time repays nothing";
}

TEST(Preemption, TheCountModeNeverSitsATurnOut) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    Pid pid = h.spawn("while true do end");
    Process& process = *h.os.find(pid);
    KernelAccess::task(process).set_slice_debt_ns(1'000'000'000);
    h.run(3);
    EXPECT_EQ(process.stats().slices, 3u);
    EXPECT_EQ(h.os.stats().turns_sat_out, 0u);
    EXPECT_EQ(KernelAccess::task(process).slice_debt_ns(), 1'000'000'000u) << "a slice is its quantum: nothing is owed or repaid";
}

TEST(DeadlinePreemption, BadSliceLengthIsRefused) {
    EXPECT_THROW(Runtime({.time_slice_us = kMinTimeSliceUs - 1}), std::invalid_argument);
    EXPECT_THROW(Runtime({.preemption = PreemptionMode::InstructionCount, .quantum = 0}), std::invalid_argument);
}

// Lua cannot yield inside these C call boundaries; the hook must let them run
// rather than raise "attempt to yield across a C-call boundary".
class CallBoundary : public ::testing::TestWithParam<const char*> {};

TEST_P(CallBoundary, HookDoesNotRaiseASpuriousError) {
    Exit exit = run_script(GetParam(), {.preemption = PreemptionMode::InstructionCount, .quantum = 1});
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "ok\n");
}

INSTANTIATE_TEST_SUITE_P(
    Preemption, CallBoundary,
    ::testing::Values(
        // table.sort comparator
        "local t = {} for i = 1, 100 do t[i] = -i end "
        "table.sort(t, function(a, b) local x = 0 for j = 1, 20 do x = x + j end return a < b end) "
        "assert(t[1] == -100 and t[100] == -1) print('ok')",
        // string.gsub callback
        "local s = string.gsub(string.rep('a', 50), 'a', function(c) local x = 0 for j = 1, 20 do x = x + j end "
        "return 'b' end) assert(s == string.rep('b', 50)) print('ok')",
        // __tostring called from C by tostring()
        "local v = setmetatable({}, {__tostring = function() local x = 0 for j = 1, 200 do x = x + j end "
        "return 'v' .. x end}) assert(tostring(v) == 'v20100') print('ok')",
        // __index function called by the VM, inside pcall
        "local t = setmetatable({}, {__index = function(_, k) local x = 0 for j = 1, 50 do x = x + j end "
        "return k * x end}) local ok, v = pcall(function() return t[2] end) assert(ok and v == 2550) print('ok')",
        // xpcall message handler
        "local ok, m = xpcall(error, function(e) local x = 0 for j = 1, 50 do x = x + j end return e .. x end, 'e') "
        "assert(not ok and m == 'e1275') print('ok')"));

}  // namespace
}  // namespace luaos::test
