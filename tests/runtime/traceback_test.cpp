// A process that an error of its own ends keeps Lua's stack traceback of
// where it was (runtime/traceback.hpp); one that ends otherwise has none.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Traceback, AFailedProcessShowsEveryCallDownToItsMainChunk) {
    Exit exit = run_script("local t = {}\n"
                           "local function inner() return t.missing.x end\n"
                           "local function middle() return inner() + 1 end\n"
                           "function outer() middle() end\n"
                           "outer()\n");
    ASSERT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, "test.lua:2: attempt to index a nil value (field 'missing')");
    EXPECT_EQ(exit.traceback, "stack traceback:\n"
                              "\ttest.lua:2: in upvalue 'inner'\n"
                              "\ttest.lua:3: in upvalue 'middle'\n"
                              "\ttest.lua:4: in global 'outer'\n"
                              "\ttest.lua:5: in main chunk");
}

TEST(Traceback, AnErrorRaisedByABuiltinShowsTheBuiltin) {
    Exit exit = run_script("local function explode() error('boom') end\nexplode()");
    ASSERT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.traceback, "stack traceback:\n"
                              "\t[C]: in function 'error'\n"
                              "\ttest.lua:1: in local 'explode'\n"
                              "\ttest.lua:2: in main chunk");
}

TEST(Traceback, ADeepStackShowsLuasFirstAndLastLevelsOnly) {
    Exit exit = run_script("local function f(n) if n == 0 then error('bottom') end return f(n - 1) + 1 end\nf(1000)");
    ASSERT_EQ(exit.status, ProcessStatus::Failed);
    // The heading, 10 levels, the skipped ones, the last 11.
    EXPECT_EQ(std::count(exit.traceback.begin(), exit.traceback.end(), '\n'), 22) << exit.traceback;
    EXPECT_NE(exit.traceback.find("\n\t...\t(skipping 981 levels)\n"), std::string::npos) << exit.traceback;
    EXPECT_TRUE(exit.traceback.ends_with("\ttest.lua:2: in main chunk")) << exit.traceback;
}

TEST(Traceback, IsCappedLikeAnError) {
    // A frame's name is a constant of the script's own: any length.
    const std::string name(10000, 'f');
    Exit exit = run_script("local t = setmetatable({}, {__index = function() return function() error('x') end end})\n"
                           "t." + name + "()");
    ASSERT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.traceback.size(), 4096 + std::string("... (error message truncated)").size());
    EXPECT_TRUE(exit.traceback.starts_with("stack traceback:\n\t[C]: in function 'error'\n")) << exit.traceback.substr(0, 200);
}

TEST(Traceback, AProcessKilledInItsOwnSliceShowsWhereItWas) {
    Exit exit = run_script("local function move()\n table.move({}, 1, 1e12, 2)\n end\nmove()");
    ASSERT_EQ(exit.status, ProcessStatus::Killed);
    EXPECT_EQ(exit.traceback, "stack traceback:\n"
                              "\t[C]: in function 'table.move'\n"
                              "\ttest.lua:2: in local 'move'\n"
                              "\ttest.lua:4: in main chunk");
}

TEST(Traceback, AProcessThatEndsOtherwiseHasNone) {
    EXPECT_EQ(run_script("print('done')").traceback, "");
    EXPECT_EQ(run_script("local function leave() os.exit(3) end\nleave()").traceback, "");
    Harness h;
    const Pid sleeper = h.spawn("while true do coroutine.yield() end", "sleeper.lua");
    h.spawn("os.kill(" + std::to_string(sleeper) + ")", "killer.lua");
    h.run();
    EXPECT_EQ(h.exit_of(sleeper).status, ProcessStatus::Killed);
    EXPECT_EQ(h.exit_of(sleeper).traceback, "");
}

TEST(Traceback, ALuauScriptShowsItsOwnLines) {
    Harness h;
    SpawnResult spawned = h.os.spawn_process("type Point = {\n"
                                             "    x: number,\n"
                                             "    y: number,\n"
                                             "}\n"
                                             "local function norm(p: Point): number\n"
                                             "    return p.x + p.z\n"
                                             "end\n"
                                             "local p: Point = { x = 1, y = 2 }\n"
                                             "print(norm(p))\n",
                                             "shape.luau", Dialect::Luau);
    ASSERT_TRUE(spawned.ok()) << spawned.error;
    h.run();
    Exit exit = h.exit_of(spawned.pid);
    ASSERT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, "shape.luau:6: attempt to perform arithmetic on a nil value (field 'z')");
    EXPECT_EQ(exit.traceback, "stack traceback:\n"
                              "\tshape.luau:6: in local 'norm'\n"
                              "\tshape.luau:9: in main chunk");
}

}  // namespace
}  // namespace luaos::test
