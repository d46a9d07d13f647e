// math.random per process: Lua 5.4's generator, one per process, seeded per
// process, and reproducible in the count mode whatever the threads and shards.

#include <gtest/gtest.h>

#include <lua.hpp>
#include <map>
#include <string>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

// What stock Lua 5.4 prints for `code` (its own math library, one state).
std::string stock_lua_output(const char* code) {
    lua_State* L = luaL_newstate();
    luaL_openlibs(L);
    std::string out;
    lua_pushlightuserdata(L, &out);
    lua_pushcclosure(L, [](lua_State* S) {
        auto* text = static_cast<std::string*>(lua_touserdata(S, lua_upvalueindex(1)));
        for (int i = 1; i <= lua_gettop(S); ++i) {
            if (i > 1) text->push_back('\t');
            text->append(luaL_tolstring(S, i, nullptr));
            lua_pop(S, 1);
        }
        text->push_back('\n');
        return 0;
    }, 1);
    lua_setglobal(L, "print");
    EXPECT_EQ(luaL_dostring(L, code), LUA_OK) << lua_tostring(L, -1);
    lua_close(L);
    return out;
}

const char* const kDraws =
    "math.randomseed(42) print(math.random(1000000)) "
    "math.randomseed(7, 3) print(math.random(), math.random(10), math.random(5, 17), math.random(0)) "
    "print(math.random(-3, 3), math.random(1 << 40), math.random(math.mininteger, math.maxinteger)) "
    "print(math.randomseed(99, 1))";

TEST(ProcessRandom, DrawsWhatStockLuaDrawsForTheSameSeed) {
    EXPECT_EQ(output_of(kDraws), stock_lua_output(kDraws));
}

// The case: four processes seed alike, yield (so that the others
// draw in between), then draw: with one generator per state they differed.
TEST(ProcessRandom, FourProcessesSeededAlikeDrawAlike) {
    Harness h({.preemption = PreemptionMode::InstructionCount});
    Pid pids[4];
    for (Pid& pid : pids) pid = h.spawn("math.randomseed(42) os.yield() print(math.random(1000000))");
    h.run();
    const std::string expected = stock_lua_output("math.randomseed(42) print(math.random(1000000))");
    for (Pid pid : pids) EXPECT_EQ(h.exit_of(pid).output, expected) << "pid " << pid;
}

TEST(ProcessRandom, RandomseedChangesOnlyTheCallersGenerator) {
    auto drawn_by_pid_2 = [](const char* first) {
        Harness h;
        h.spawn(first);
        Pid drawer = h.spawn("os.yield() print(math.random(1 << 50))");
        h.run();
        return h.exit_of(drawer).output;
    };
    EXPECT_EQ(drawn_by_pid_2("math.randomseed(1) os.yield() math.random() math.randomseed(5)"),
              drawn_by_pid_2("os.yield()"));
}

TEST(ProcessRandom, UnseededProcessesDrawDifferentNumbers) {
    Harness h({.preemption = PreemptionMode::InstructionCount});
    Pid a = h.spawn("print(math.random(1 << 50))");
    Pid b = h.spawn("print(math.random(1 << 50))");
    h.run();
    EXPECT_NE(h.exit_of(a).output, h.exit_of(b).output);
}

// Count mode: every VM's processes draw the same numbers with one thread and
// one shard as with three threads and shards of two VMs.
TEST(ProcessRandom, CountModeDrawsTheSameWhateverTheThreadsAndShards) {
    auto draws = [](unsigned threads, std::size_t shard_vms) {
        Cluster cluster({.runtime = {.preemption = PreemptionMode::InstructionCount}, .threads = threads,
                         .shard_vms = shard_vms});
        struct Outputs : ProcessObserver {
            std::mutex mutex;
            std::map<std::pair<std::uint64_t, Pid>, std::string> by_process;
            void on_exit(const Process& process) override {
                std::lock_guard lock(mutex);
                by_process[{process.os().vm()->serial(), process.pid()}] = process.output();
            }
        } outputs;
        cluster.set_observer(&outputs);
        for (int i = 0; i < 6; ++i) {
            Os& os = cluster.create_vm().os();
            for (int p = 0; p < 2; ++p) os.spawn_process("for i = 1, 3 do print(math.random(1 << 40)) os.yield() end", "r.lua");
        }
        cluster.run({});
        return outputs.by_process;
    };
    const auto one = draws(1, 0);
    ASSERT_EQ(one.size(), 12u);
    EXPECT_EQ(draws(3, 2), one);
    EXPECT_NE(one.begin()->second, std::next(one.begin())->second) << "two processes of a VM draw differently";
}

TEST(ProcessRandom, TheRuntimeSeedChoosesTheSequence) {
    auto first_draw = [](std::uint64_t seed) {
        return run_script("print(math.random(1 << 50))", {}, {.random_seed = seed}).output;
    };
    EXPECT_EQ(first_draw(1), first_draw(1));
    EXPECT_NE(first_draw(1), first_draw(2));
}

TEST(ProcessRandom, BadArgumentsAreErrors) {
    EXPECT_NE(run_script("math.random(5, 1)").error.find("interval is empty"), std::string::npos);
    EXPECT_NE(run_script("math.random(1, 2, 3)").error.find("math.random: wrong number of arguments"),
              std::string::npos);
    EXPECT_NE(run_script("math.random('x')").error.find("number expected"), std::string::npos);
    EXPECT_NE(run_script("math.randomseed({})").error.find("number expected"), std::string::npos);
    EXPECT_EQ(run_script("local ok = pcall(math.random, 2.5) assert(not ok)").status, ProcessStatus::Finished);
}

TEST(ProcessRandom, LuauProcessesHaveTheirOwnGeneratorToo) {
    Harness h;
    Pid a = h.os.spawn_process("math.randomseed(42) os.yield() print(math.random(1000000))", "a.luau", Dialect::Luau).pid;
    Pid b = h.os.spawn_process("math.randomseed(42) os.yield() print(math.random(1000000))", "b.lua").pid;
    h.run();
    EXPECT_EQ(h.exit_of(a).output, h.exit_of(b).output);
}

}  // namespace
}  // namespace luaos::test
