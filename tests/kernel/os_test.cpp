// The Os: PIDs, tick() as docs/scheduling.md describes it, run().

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Os, PidsCountFromOnePerOs) {
    Runtime runtime;
    Os first(runtime);
    Os second(runtime);
    EXPECT_EQ(first.spawn_process("", "a").pid, 1u);
    EXPECT_EQ(first.spawn_process("", "b").pid, 2u);
    EXPECT_EQ(first.spawn_process("syntax error", "c").pid, 3u);
    EXPECT_EQ(second.spawn_process("", "d").pid, 1u);
}

// The original design's "Complete Flow": process 1 finishes in frame 2 and is removed,
// process 2 finishes in frame 3, then the OS is finished.
TEST(Os, SeedCompleteFlow) {
    Harness h;
    Pid p1 = h.spawn("coroutine.yield()", "script_1.lua");
    Pid p2 = h.spawn("coroutine.yield() coroutine.yield()", "script_2.lua");
    EXPECT_EQ(p1, 1u);
    EXPECT_EQ(p2, 2u);
    EXPECT_FALSE(h.os.is_finished());

    h.tick();  // frame 1: both resume, execute, yield
    EXPECT_EQ(h.os.processes().size(), 2u);
    EXPECT_FALSE(h.os.is_finished());

    h.tick();  // frame 2: process 1 finishes and is removed
    ASSERT_EQ(h.os.processes().size(), 1u);
    EXPECT_EQ(h.os.processes().front()->pid(), p2);
    EXPECT_EQ(h.exit_of(p1).tick, 2u);
    EXPECT_FALSE(h.os.is_finished());

    h.tick();  // frame 3: process 2 finishes; the OS is finished
    EXPECT_TRUE(h.os.processes().empty());
    EXPECT_EQ(h.exit_of(p2).tick, 3u);
    EXPECT_TRUE(h.os.is_finished());
}

TEST(Os, FinishedProcessesAreReportedOnceWithTheirOutput) {
    Harness h;
    h.spawn("print('a')");
    h.spawn("print('b') error('e')");
    h.run();
    auto exits = h.recorder.exits();
    ASSERT_EQ(exits.size(), 2u);
    EXPECT_EQ(exits[0].status, ProcessStatus::Finished);
    EXPECT_EQ(exits[0].output, "a\n");
    EXPECT_EQ(exits[1].status, ProcessStatus::Failed);
    EXPECT_EQ(exits[1].output, "b\n");
}

TEST(Os, RunStopsAtTheTickLimit) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 100});
    h.spawn("while true do end");
    double ms = h.os.run(7);
    EXPECT_GE(ms, 0.0);
    EXPECT_FALSE(h.os.is_finished());
    EXPECT_EQ(h.os.processes().size(), 1u);
    EXPECT_TRUE(h.recorder.exits().empty());
}

TEST(Os, RunReturnsOnceEveryProcessEnded) {
    Harness h;
    h.spawn("coroutine.yield() print('x')");
    h.os.run();
    EXPECT_TRUE(h.os.is_finished());
    EXPECT_EQ(h.exit_of(1).output, "x\n");
}

TEST(Os, FindLooksUpLiveProcessesByPid) {
    Harness h;
    h.spawn("coroutine.yield()");
    h.spawn("coroutine.yield()");
    ASSERT_NE(h.os.find(2), nullptr);
    EXPECT_EQ(h.os.find(2)->pid(), 2u);
    EXPECT_EQ(h.os.find(3), nullptr);
}

}  // namespace
}  // namespace luaos::test
