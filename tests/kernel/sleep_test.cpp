// os.sleep and os.yield, and what sleeping and waiting processes cost the
// scheduler: nothing per tick.

#include <gtest/gtest.h>

#include "kernel/kernel_access.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Sleep, SleepingNTicksRunsAgainNTicksLater) {
    Harness h;
    Pid pid = h.spawn("os.sleep(10) print('awake')");
    h.run();
    EXPECT_EQ(h.exit_of(pid).tick, 11u);
    EXPECT_EQ(h.exit_of(pid).output, "awake\n");
}

TEST(Sleep, SleepZeroAndYieldGiveUpTheSliceOnly) {
    Harness h;
    Pid pid = h.spawn("os.yield() os.sleep(0) os.yield()");
    h.run();
    EXPECT_EQ(h.exit_of(pid).tick, 4u);
}

TEST(Sleep, YieldPassesThroughScriptCoroutines) {
    Harness h;
    Pid pid = h.spawn(R"lua(
        local co = coroutine.wrap(function() os.yield() os.sleep(2) return 'inner done' end)
        print(co())
    )lua");
    h.run();
    EXPECT_EQ(h.exit_of(pid).output, "inner done\n");
    EXPECT_EQ(h.exit_of(pid).tick, 4u);
}

TEST(Sleep, GivingUpTheSliceIsNotAPreemption) {
    Harness h;
    Pid pid = h.spawn("for i = 1, 5 do os.yield() end os.sleep(3)");
    h.tick();
    h.tick();
    EXPECT_EQ(h.os.find(pid)->stats().preemptions, 0u);
    EXPECT_EQ(h.os.find(pid)->stats().slices, 2u);
}

TEST(Sleep, SleepersAreNotVisited) {
    Harness h;
    for (int i = 0; i < 100; ++i) h.spawn("os.sleep(1000000)");
    h.tick();
    EXPECT_FALSE(h.os.has_runnable());
    EXPECT_EQ(h.os.next_wake_tick(), 1000001u);
    for (int i = 0; i < 100; ++i) h.tick();
    for (const auto& process : h.os.processes()) {
        EXPECT_EQ(process->stats().slices, 1u);
        EXPECT_EQ(process->state(), ProcessState::Sleeping);
    }
}

TEST(Sleep, SkippedTicksCountTowardsSleeps) {
    Harness h;
    Pid pid = h.spawn("os.sleep(100) print('woke')");
    h.tick();
    EXPECT_FALSE(h.os.has_runnable());
    // A cluster that skips this VM until its next wake tick:
    h.os.skip_ticks(h.os.next_wake_tick() - h.os.ticks() - 1);
    EXPECT_EQ(h.os.ticks(), 100u);
    h.tick();
    EXPECT_EQ(h.exit_of(pid).output, "woke\n");
    EXPECT_TRUE(h.os.is_finished());
}

TEST(Sleep, HostEventsMakeTheVmRunnable) {
    Harness h;
    Pid pid = h.spawn("print(io.read())");
    h.tick();
    EXPECT_FALSE(h.os.has_runnable());
    EXPECT_EQ(h.os.next_wake_tick(), UINT64_MAX);
    h.os.write_stdin(pid, "x");
    EXPECT_TRUE(h.os.has_runnable());
    h.tick();
    EXPECT_EQ(h.exit_of(pid).output, "x\n");
}

TEST(Sleep, RunnableOrderStaysPidOrderAfterWakes) {
    Harness h;
    h.spawn("os.sleep(2) print(1)");
    h.spawn("print(2) os.yield() os.yield() print(2)");
    h.spawn("os.sleep(1) print(3) os.yield() print(3)");
    std::string order;
    struct Collect : ProcessObserver {
        std::string* out;
        void on_output(const Process& process, std::string_view) override { *out += std::to_string(process.pid()); }
    } collect;
    collect.out = &order;
    h.runtime.set_observer(&collect);
    h.os.run();
    EXPECT_EQ(order, "23123");
}

TEST(Sleep, StaleTimersDoNotPileUp) {
    Harness h;
    Pid pid = h.spawn("for i = 1, 1000 do os.receive(1000000) end");
    std::size_t most = 0;
    for (int i = 0; i < 1000; ++i) {
        h.tick();
        h.os.send(pid, "x");  // wakes it before its timer: the timer goes stale
        most = std::max(most, KernelAccess::bookkeeping(h.os).timers.size());
    }
    h.run();
    EXPECT_EQ(h.exit_of(pid).status, ProcessStatus::Finished);
    EXPECT_LE(most, 70u);
}

// Killed sleepers leave stale timers: they must not pile up either.
TEST(Sleep, TimersOfKilledSleepersDoNotPileUp) {
    Harness h;
    h.spawn(R"lua(
        for i = 1, 300 do
            local pid = os.spawn_source("os.sleep(math.maxinteger)")
            os.sleep(2)  -- the sleeper runs (after this process, by PID) and parks
            os.kill(pid)
        end
    )lua");
    std::size_t most = 0;
    while (!h.os.is_finished()) {
        h.tick();
        most = std::max(most, KernelAccess::bookkeeping(h.os).timers.size());
    }
    EXPECT_LE(most, 70u);
}

// A receive without a timeout has no timer to go stale when a message wakes it.
TEST(Sleep, WakingAReceiverWithoutTimeoutKeepsTheTimerCount) {
    Harness h;
    Pid sleeper = h.spawn("os.sleep(50)");
    Pid receiver = h.spawn("os.receive() os.receive()");
    h.tick();
    EXPECT_EQ(KernelAccess::bookkeeping(h.os).live_timers, 1u);
    h.os.send(receiver, "x");
    EXPECT_EQ(KernelAccess::bookkeeping(h.os).live_timers, 1u);
    h.os.send(receiver, "y");
    h.run();
    EXPECT_EQ(h.exit_of(sleeper).tick, 51u);
}

}  // namespace
}  // namespace luaos::test
