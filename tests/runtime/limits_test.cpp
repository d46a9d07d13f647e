// The limits a hostile script runs into: each has a default, can be changed,
// and stops only the script that passes it.

#include <gtest/gtest.h>

#include <lua.hpp>

#include "runtime/allocator.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

void collect_garbage(Runtime& runtime) { lua_gc(runtime.lua(), LUA_GCCOLLECT); }

TEST(MemoryLimit, MemoryIsChargedToTheVmThatAllocatedIt) {
    Runtime runtime({.preemption = PreemptionMode::InstructionCount, .quantum = 1000000});
    Os hungry(runtime);
    Os idle(runtime);
    hungry.spawn_process("data = {} for i = 1, 20000 do data[i] = {i} end coroutine.yield()", "hungry.lua");
    idle.spawn_process("coroutine.yield()", "idle.lua");
    const std::size_t idle_before = idle.memory_used();
    const std::size_t hungry_before = hungry.memory_used();
    hungry.tick();
    idle.tick();
    EXPECT_GT(hungry.memory_used(), hungry_before + 20000 * 40) << "20,000 small tables are charged to their VM";
    EXPECT_LT(idle.memory_used(), idle_before + 1024);
}

TEST(MemoryLimit, MemoryIsReleasedToItsVmWhenCollected) {
    Runtime runtime({.preemption = PreemptionMode::InstructionCount, .quantum = 1000000});
    Os os(runtime);
    os.spawn_process("coroutine.yield() local t = {} for i = 1, 20000 do t[i] = {i} end coroutine.yield()", "a.lua");
    os.tick();
    collect_garbage(runtime);
    const std::size_t baseline = os.memory_used();
    os.tick();
    EXPECT_GT(os.memory_used(), baseline + 20000 * 40);
    os.tick();  // the process ends; its table is garbage
    collect_garbage(runtime);
    EXPECT_LT(os.memory_used(), baseline);
}

TEST(MemoryLimit, AccountsAddUpToTheRuntimesTotal) {
    Runtime runtime;
    auto os = std::make_unique<Os>(runtime);
    os->spawn_process("t = {} for i = 1, 1000 do t[i] = tostring(i) end coroutine.yield()", "a.lua");
    os->tick();
    const std::size_t before = runtime.memory_used();
    EXPECT_GE(before, os->memory_used());
    os.reset();  // the VM goes while its memory is still uncollected
    collect_garbage(runtime);
    EXPECT_LT(runtime.memory_used(), before);
}

TEST(MemoryLimit, PassingTheLimitFailsTheProcessWithLuasMemoryError) {
    Exit exit = run_script("local t = {} for i = 1, 1e9 do t[i] = i end", {.preemption = PreemptionMode::InstructionCount, .quantum = 100000, .memory_limit = 1 << 20});
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, "not enough memory: the VM's memory limit of 1048576 bytes is reached");
}

TEST(MemoryLimit, AScriptMayCatchOneMemoryErrorAndCarryOn) {
    // string.rep's buffer is refused once, without an emergency collection:
    // the script sees Lua's error and may recover.
    Exit exit = run_script("print(pcall(string.rep, 'x', 1 << 24)) print('still here')", {.memory_limit = 1 << 20});
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "false\tnot enough memory\nstill here\n");
}

TEST(MemoryLimit, AVmGetsItsMemoryBackFromAProcessThatDiedOfTheLimit) {
    // The hoarder fails at the limit; its memory is garbage from then on, and
    // the next process of the VM may use it.
    Harness h({.memory_limit = 4 << 20});
    Pid hoarder = h.spawn("local t = {} for i = 1, 1e9 do t[i] = string.rep('m', 1 << 18) .. i end", "hoarder.lua");
    Pid later = h.spawn(R"(
        os.wait(1)
        local t = {}
        for i = 1, 10 do t[i] = string.rep('m', 1 << 16) .. i end
        print('later ok', #t)
    )", "later.lua");
    h.run(200);
    EXPECT_EQ(h.exit_of(hoarder).status, ProcessStatus::Failed);
    EXPECT_EQ(h.exit_of(later).status, ProcessStatus::Finished) << h.exit_of(later).error;
    EXPECT_EQ(h.exit_of(later).output, "later ok\t10\n");
}

TEST(MemoryLimit, ACaughtMemoryErrorIsSurvivedAsInLua) {
    // Lua's emergency collection cannot help, so Lua raises its error; pcall
    // returns it, the table becomes garbage and the script goes on.
    Exit exit = run_script(R"(
        local ok, err = pcall(function() local t = {} for i = 1, 1e8 do t[i] = string.rep("x", 1000) .. i end end)
        print("caught", ok, err)
        local again = {}
        for i = 1, 1000 do again[i] = i end
        print("still here", #again)
    )", {.memory_limit = 4 << 20});
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "caught\tfalse\tnot enough memory\nstill here\t1000\n");
}

TEST(MemoryLimit, AProcessThatKeepsRunningIntoTheLimitIsDoomed) {
    const char* retry = R"(
        for i = 1, 5 do
            print(pcall(function() local t = {} for j = 1, 1e9 do t[j] = j end end))
        end
        print('done')
    )";
    // Counted instructions, not time, end the slices: a slice that overran
    // its deadline (an emergency collection under a sanitizer) would sit out
    // turns, and enough of them would let the 100-tick window pass between errors.
    const RuntimeOptions defaults{.preemption = PreemptionMode::InstructionCount, .quantum = 1000000,
                                  .memory_limit = 1 << 20};
    Exit exit = run_script(retry, defaults);
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.output, "false\tnot enough memory\nfalse\tnot enough memory\n") << "two are survived";
    EXPECT_EQ(exit.error, "not enough memory: the VM's memory limit of 1048576 bytes is reached "
                          "(the 3rd memory error within 100 ticks)");
    RuntimeOptions lenient = defaults;
    lenient.memory_errors_allowed = 5;
    Exit survived = run_script(retry, lenient);
    EXPECT_EQ(survived.status, ProcessStatus::Finished) << survived.error;
    EXPECT_EQ(survived.output, "false\tnot enough memory\nfalse\tnot enough memory\nfalse\tnot enough memory\n"
                               "false\tnot enough memory\nfalse\tnot enough memory\ndone\n");
}

TEST(MemoryLimit, MemoryErrorsFarApartAreEachSurvived) {
    // The window is in ticks: one error every few ticks is no retry loop.
    RuntimeOptions options{.memory_limit = 1 << 20};
    options.memory_error_window = 3;
    Exit exit = run_script(R"(
        for i = 1, 4 do
            pcall(function() local t = {} for j = 1, 1e9 do t[j] = j end end)
            os.sleep(4)
        end
        print('done')
    )", options);
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "done\n");
}

TEST(StackOverflow, RunawayRecursionIsACatchableStackOverflow) {
    // The memory limit (16 MiB) comes before Lua's own stack limit; the
    // error is still Lua's stack overflow, and the process goes on.
    Exit exit = run_script(R"(
        local function f(n) return 1 + f(n + 1) end
        print(pcall(f, 1))
        print(coroutine.resume(coroutine.create(function() return f(1) end)))
        print(select(2, xpcall(f, function(m) return 'handled: ' .. m end, 1)))
        print('after')
    )", {.memory_errors_allowed = 3});  // three in a row: more than a process may catch by default
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output, "false\ttest.lua:2: stack overflow\n"
                           "false\ttest.lua:2: stack overflow\n"
                           "handled: test.lua:2: stack overflow\n"
                           "after\n");
}

TEST(StackOverflow, UncaughtItFailsTheProcessWithLuasMessage) {
    Exit exit = run_script("local function f(n) return 1 + f(n + 1) end\nf(1)", {.memory_limit = 2 << 20});
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, "test.lua:1: stack overflow");
}

TEST(MemoryLimit, TheClusterCapBoundsAllVmsTogether) {
    Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount, .quantum = 100000, .memory_limit = std::size_t{1} << 30}, .memory_cap = 8u << 20});
    ExitRecorder recorder;
    cluster.set_observer(&recorder);
    cluster.create_vm().os().spawn_process("local t = {} for i = 1, 1e9 do t[i] = i end", "greedy.lua");
    cluster.run({.max_ticks = 1000});
    auto exits = recorder.exits();
    ASSERT_EQ(exits.size(), 1u);
    EXPECT_EQ(exits[0].error, "not enough memory: the cluster's memory cap is reached");
    EXPECT_LE(cluster.memory_cap().used(), cluster.memory_cap().limit());
}

TEST(MemoryCap, ReservesUpToItsLimitOnly) {
    MemoryCap cap(100);
    EXPECT_TRUE(cap.try_reserve(60));
    EXPECT_FALSE(cap.try_reserve(41));
    EXPECT_TRUE(cap.try_reserve(40));
    EXPECT_EQ(cap.used(), 100u);
    cap.release(100);
    EXPECT_EQ(cap.used(), 0u);
    EXPECT_GT(default_memory_cap(), std::size_t{0});
}

TEST(CpuBudget, IsConfigurableAndNamedInTheError) {
    const char* work = "table.sort({3, 2, 1}, function(a, b) for i = 1, 2000 do end return a < b end) print('sorted')";
    Exit tight = run_script(work, {.preemption = PreemptionMode::InstructionCount, .quantum = 100, .cpu_budget = 5000});
    EXPECT_EQ(tight.status, ProcessStatus::Killed);
    EXPECT_EQ(tight.error, "process exceeded 5000 instructions without yielding");
    Exit roomy = run_script(work, {.preemption = PreemptionMode::InstructionCount, .quantum = 100, .cpu_budget = 1000000});
    EXPECT_EQ(roomy.status, ProcessStatus::Finished) << roomy.error;
    EXPECT_EQ(roomy.output, "sorted\n");
}

TEST(CpuBudget, YieldableCodeIsPreemptedNotKilled) {
    Harness h({.preemption = PreemptionMode::InstructionCount, .quantum = 1000, .cpu_budget = 5000});
    Pid pid = h.spawn("local n = 0 for i = 1, 100000 do n = n + 1 end print(n)");
    h.run();
    EXPECT_EQ(h.exit_of(pid).status, ProcessStatus::Finished);
    EXPECT_EQ(h.exit_of(pid).output, "100000\n");
}

TEST(CpuBudget, BuiltinErrorKeepsItsPlaceAndTheReason) {
    Exit exit = run_script("table.move({}, 1, 1e12, 2)");
    EXPECT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_EQ(exit.error,
              "test.lua:1: too many elements to move (process exceeded 1000000 instructions without yielding)");
}

TEST(CpuBudget, AKillAfterACaughtBuiltinErrorKeepsItsReasonAndPlace) {
    // The builtin's error is caught, but the process is killed all the same;
    // its report says what ran out of budget, and where.
    Exit spawned = run_script("print(pcall(os.spawn_source, string.rep('x', 2000000)))");
    EXPECT_EQ(spawned.status, ProcessStatus::Killed);
    EXPECT_EQ(spawned.error, "test.lua:1: os.spawn_source: chunk too large to compile "
                             "(process exceeded 1000000 instructions without yielding)");
    Exit moved = run_script("local ok = pcall(function()\n table.move({}, 1, 1e12, 2)\n end) print(ok)");
    EXPECT_EQ(moved.status, ProcessStatus::Killed);
    EXPECT_EQ(moved.error, "test.lua:2: too many elements to move (process exceeded 1000000 instructions without yielding)");
}

TEST(OutputLimit, OverflowIsDroppedWithOneMarker) {
    Exit exit = run_script("for i = 1, 100 do print(string.rep('x', 99)) end", {}, {.output_limit = 1000});
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output.substr(0, 100), std::string(99, 'x') + "\n");
    const std::string marker = "\n[luaos: output truncated at 1000 bytes]\n";
    ASSERT_EQ(exit.output.size(), 1000 + marker.size());
    EXPECT_EQ(exit.output.substr(1000), marker);
}

TEST(OutputLimit, TakingOutputMakesRoomAgain) {
    Harness h({}, {.output_limit = 10});
    Pid pid = h.spawn("print('0123456789abc') coroutine.yield() print('again')");
    h.tick();
    Process* process = h.os.find(pid);
    ASSERT_NE(process, nullptr);
    EXPECT_EQ(process->take_output(), "0123456789\n[luaos: output truncated at 10 bytes]\n");
    h.tick();
    EXPECT_EQ(h.exit_of(pid).output, "again\n");
}

TEST(OutputLimit, StreamedOutputIsCappedPerSlice) {
    struct Counter : ProcessObserver {
        std::size_t bytes = 0;
        void on_output(const Process&, std::string_view text) override { bytes += text.size(); }
    } counter;
    Runtime runtime;
    set_kernel_options(runtime, {.output_limit = 100, .keep_output = false});
    runtime.set_observer(&counter);
    Os os(runtime);
    os.spawn_process("for t = 1, 3 do for i = 1, 50 do print('0123456789') end coroutine.yield() end", "flood.lua");
    const std::string marker = "\n[luaos: output truncated at 100 bytes]\n";
    for (int tick = 0; tick < 4; ++tick) os.tick();
    EXPECT_TRUE(os.is_finished());
    EXPECT_EQ(counter.bytes, 3 * (100 + marker.size()));
}

}  // namespace
}  // namespace luaos::test
