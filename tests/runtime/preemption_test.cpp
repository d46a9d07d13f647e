// Preemption: the instruction-count hook takes the CPU back, and never breaks
// a correct script.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Preemption, InfiniteLoopIsPreemptedWhileAnotherProcessFinishes) {
    Harness h({.quantum = 100});
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
    Exit exit = run_script("local n = 0 for i = 1, 20000 do n = n + 1 end print(n)", {.quantum = 50});
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output, "20000\n");
    EXPECT_GT(exit.tick, 100u);
}

TEST(Preemption, SmallerQuantumMeansMoreSlices) {
    const char* work = "local n = 0 for i = 1, 10000 do n = n + i end";
    Exit coarse = run_script(work, {.quantum = 10000});
    Exit fine = run_script(work, {.quantum = 100});
    EXPECT_LT(coarse.tick, fine.tick);
    EXPECT_GT(fine.tick, 50u * coarse.tick);
}

TEST(Preemption, TopLevelYieldEndsTheSliceEarly) {
    Exit exit = run_script("coroutine.yield() coroutine.yield(1, 2) coroutine.yield() print('done')");
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output, "done\n");
    EXPECT_EQ(exit.tick, 4u);
}

// Lua cannot yield inside these C call boundaries; the hook must let them run
// rather than raise "attempt to yield across a C-call boundary".
class CallBoundary : public ::testing::TestWithParam<const char*> {};

TEST_P(CallBoundary, HookDoesNotRaiseASpuriousError) {
    Exit exit = run_script(GetParam(), {.quantum = 1});
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
