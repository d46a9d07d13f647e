// Scripts' own coroutines keep their meaning under preemption.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

// Every test runs in both preemption modes, which must give the same results;
// the deadline mode with its shortest slice, so that it preempts often.
class Coroutines : public ::testing::TestWithParam<PreemptionMode> {
protected:
    RuntimeOptions options(std::uint32_t quantum) const {
        return {.preemption = GetParam(), .quantum = quantum, .time_slice_us = kMinTimeSliceUs};
    }
};

TEST_P(Coroutines, GeneratorSumIsExactUnderQuantum10) {
    Exit exit = run_script(R"(
        local gen = coroutine.wrap(function()
            for i = 1, 100000 do coroutine.yield(i) end
        end)
        local sum = 0
        for _ = 1, 100000 do sum = sum + gen() end
        print(sum)
    )", options(10));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "5000050000\n");
}

TEST_P(Coroutines, LoopInsideOwnCoroutineIsStillPreempted) {
    Harness h(options(100));
    Pid spinner = h.spawn("local co = coroutine.create(function() while true do end end) coroutine.resume(co)");
    Pid other = h.spawn("for i = 1, 3 do coroutine.yield() end print('other done')");
    h.run(50);
    EXPECT_EQ(h.exit_of(other).output, "other done\n");
    expect_a_turn_every_tick(h, h.exit_of(other), 4);
    ASSERT_NE(h.os.find(spinner), nullptr);
    EXPECT_EQ(h.os.find(spinner)->status(), ProcessStatus::Ready);
}

TEST_P(Coroutines, PreemptionIsNeverSeenByTheScriptsResume) {
    // The coroutine works long enough to be preempted many times but yields
    // only twice: its resumer must see exactly those two yields and the end.
    Exit exit = run_script(R"(
        local co = coroutine.create(function(a)
            local x = 0
            for i = 1, 3000 do x = x + i end
            local b = coroutine.yield(a + 1, x)
            for i = 1, 3000 do x = x - i end
            local c = coroutine.yield(b * 2)
            return 'end', c, x
        end)
        local results = {}
        local function record(...) results[#results + 1] = table.concat({tostring(select(1, ...)), select(2, ...)}, ',') end
        record(coroutine.resume(co, 10))
        record(coroutine.resume(co, 21))
        record(coroutine.resume(co, 'c'))
        record(coroutine.resume(co))
        print(table.concat(results, ' | '))
    )", options(10));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "true,11,4501500 | true,42 | true,end,c,0 | false,cannot resume dead coroutine\n");
}

TEST_P(Coroutines, NestedCoroutinesSurvivePreemption) {
    Exit exit = run_script(R"(
        local function producer(n)
            return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
        end
        local doubled = coroutine.wrap(function()
            for v in producer(2000) do coroutine.yield(v * 2) end
        end)
        local squares = coroutine.wrap(function()
            for v in doubled do coroutine.yield(v * v) end
        end)
        local total = 0
        for v in squares do total = total + v end
        print(total)
    )", options(7));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    // sum of (2i)^2 for i = 1..2000 = 4 * n(n+1)(2n+1)/6
    EXPECT_EQ(exit.output, "10674668000\n");
}

TEST_P(Coroutines, ResumeBehindACallBoundaryStillCompletes) {
    // A comparator cannot yield, so a preemption inside the coroutine it
    // resumes cannot be passed up: the coroutine must simply run on.
    Exit exit = run_script(R"(
        local t = {5, 3, 1, 4, 2}
        table.sort(t, function(a, b)
            local co = coroutine.wrap(function() local x = 0 for i = 1, 100 do x = x + i end return x end)
            assert(co() == 5050)
            return a < b
        end)
        print(table.concat(t, ','))
    )", options(5));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "1,2,3,4,5\n");
}

TEST_P(Coroutines, WrapPropagatesErrorsWithPosition) {
    Exit exit = run_script(R"(
        local f = coroutine.wrap(function() error('inner') end)
        print(pcall(f))
        print(pcall(function() local r = f() return r end))
    )", options(kDefaultQuantum));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "false\ttest.lua:2: inner\nfalse\ttest.lua:4: cannot resume dead coroutine\n");
}

TEST_P(Coroutines, StatusRunningAndCloseKeepTheirMeaning) {
    Exit exit = run_script(R"(
        local co
        co = coroutine.create(function()
            print(coroutine.status(co), coroutine.isyieldable())
            coroutine.yield()
        end)
        print(coroutine.status(co))
        coroutine.resume(co)
        print(coroutine.status(co), coroutine.close(co), coroutine.status(co))
        print(coroutine.isyieldable())
    )", options(3));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "suspended\nrunning\ttrue\nsuspended\ttrue\tdead\ntrue\n");
}

TEST_P(Coroutines, WrapRunsPendingCloseHandlersOnError) {
    Exit exit = run_script(R"(
        local f = coroutine.wrap(function()
            local guard <close> = setmetatable({}, {__close = function() print('closed') end})
            error('fail')
        end)
        print(pcall(f))
    )", options(kDefaultQuantum));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "closed\nfalse\ttest.lua:4: fail\n");
}

TEST_P(Coroutines, ResumingTheRunningCoroutineReturnsFalseThenTheMessage) {
    // Lua's order: false first. The main chunk and a coroutine resuming itself
    // alike; dead coroutines were already right and stay so.
    Exit exit = run_script(R"(
        print(coroutine.wrap(function() return coroutine.resume(coroutine.running(), 'ignored') end)())
        print(coroutine.resume(coroutine.running()))
        local dead = coroutine.create(function() end)
        coroutine.resume(dead)
        print(coroutine.resume(dead))
    )", options(kDefaultQuantum));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output,
              "false\tcannot resume non-suspended coroutine\n"
              "false\tcannot resume non-suspended coroutine\n"
              "false\tcannot resume dead coroutine\n");
}

TEST_P(Coroutines, TheMainChunkIsAYieldableCoroutine) {
    // Kept on purpose and listed in docs/differences.md: a top-level yield
    // ends the slice, returns nothing, and the process runs on.
    Exit exit = run_script(R"(
        print(select(2, coroutine.running()), coroutine.isyieldable())
        print(pcall(coroutine.yield, 1))
        print(select('#', coroutine.yield(1, 2)))
    )", options(kDefaultQuantum));
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "false\ttrue\ntrue\n0\n");
}

INSTANTIATE_TEST_SUITE_P(BothModes, Coroutines,
                         ::testing::Values(PreemptionMode::InstructionCount, PreemptionMode::Deadline),
                         [](const ::testing::TestParamInfo<PreemptionMode>& mode) {
                             return mode.param == PreemptionMode::Deadline ? "deadline" : "count";
                         });

}  // namespace
}  // namespace luaos::test
