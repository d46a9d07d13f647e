// Luau processes in the engine: the library, the sandbox, compile-once and
// error lines, beside Lua processes of the same runtime.

#include <gtest/gtest.h>

#include <string>

#include "luaos/luaos.hpp"
#include "runtime/chunk_cache.hpp"
#include "runtime/runtime_access.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

Exit run_luau(std::string_view code, RuntimeOptions options = {}) {
    Harness harness(options);
    Pid pid = harness.os.spawn_process(code, "game.luau", Dialect::Luau).pid;
    harness.run();
    return harness.exit_of(pid);
}

TEST(LuauLibrary, HugeTableCreateFailsOnTheMemoryLimit) {
    Exit exit = run_luau("local t = table.create(1e9, 0)\nprint('unreachable')");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_NE(exit.error.find("not enough memory"), std::string::npos) << exit.error;
    exit = run_luau("print(pcall(table.create, 2^40))");
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_NE(exit.output.find("size out of range"), std::string::npos) << exit.output;
}

TEST(LuauLibrary, LongLoopsInCAreChargedToTheCpuBudget) {
    RuntimeOptions options;
    options.cpu_budget = 100'000;
    Exit exit = run_luau("local t = table.create(1e6, 1)\nprint(table.find(t, 2))", options);
    EXPECT_EQ(exit.status, ProcessStatus::Killed) << exit.error << exit.output;
    EXPECT_NE(exit.error.find("without yielding"), std::string::npos) << exit.error;
}

TEST(LuauLibrary, FrozenTablesStayFrozenAndLibrariesStayShared) {
    Exit exit = run_luau(R"(
local t = table.freeze({1, 2, x = 3})
print(pcall(setmetatable, t, nil))
print(pcall(rawset, t, "y", 1))
print(pcall(table.insert, t, 4))
print(pcall(table.clear, t))
print(pcall(table.freeze, string))
print(pcall(table.freeze, _G))
print(rawget(t, "x"), rawlen(t), next(t) ~= nil, getmetatable(t))
)");
    ASSERT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output,
              "false\tcannot change a protected metatable\n"
              "false\tattempt to modify a readonly table\n"
              "false\tattempt to modify a readonly table\n"
              "false\tattempt to modify a readonly table\n"
              "false\tbad argument #1 to '?' (table is already frozen)\n"
              "false\tbad argument #1 to '?' (table has a protected metatable)\n"
              "3\t2\ttrue\tnil\n");
}

TEST(LuauLibrary, DialectsShareARuntimeWithoutSharingBehaviour) {
    Harness h;
    Pid luau = h.os.spawn_process("print(10 / 2, ('%s'):format(1), typeof ~= nil, 2 .. '')", "a.luau", Dialect::Luau).pid;
    Pid lua = h.os.spawn_process("print(10 / 2, ('%s'):format(1.0), typeof ~= nil, 2.0 .. '')", "b.lua").pid;
    h.run();
    EXPECT_EQ(h.exit_of(luau).output, "5\t1\ttrue\t2\n");
    EXPECT_EQ(h.exit_of(lua).output, "5.0\t1.0\tfalse\t2.0\n");
}

// Issue 21, item 5: wherever the libraries take a number for a string, a Luau
// process's number is written as Luau writes it, and a Lua process's as Lua
// does, in the same runtime. (tests/luau/cases/library_numbers_as_text_*.luau
// cover the string, utf8, buffer, table, os.date and tonumber functions.)
TEST(LuauLibrary, NumbersBecomeLuauTextInLibraryCallsOfLuauProcessesOnly) {
    Harness h;
    const char* code =
        "io.write(1.0, ' ', 10.0, '|', string.rep(5.0, 2), '|', string.len(123.0), '|', string.upper(12.0), '|',"
        " ('x'):rep(2, 0.0), '|', ('a1'):gsub('%d', 2.0), '|', string.format(3.0), '|', table.concat({1.0}, 0.5), '\\n')";
    Pid luau = h.os.spawn_process(code, "a.luau", Dialect::Luau).pid;
    Pid lua = h.os.spawn_process(code, "b.lua").pid;
    h.run();
    EXPECT_EQ(h.exit_of(luau).output, "1 10|55|3|12|x0x|a2|3|1\n");
    EXPECT_EQ(h.exit_of(lua).output, "1.0 10.0|5.05.0|5|12.0|x0.0x|a2.0|3.0|1.0\n");
}

TEST(LuauLibrary, SpawnArgumentsAndStdinLinesFromLuauAreLuauText) {
    const char* code =
        "local child = os.spawn_source('print(arg[1], arg[2], io.read())', {1.0, 2.5}) os.write_stdin(child, 42.0)"
        " print(select(2, os.spawn(5.0)))";
    Harness h;
    Pid luau = h.os.spawn_process(code, "a.luau", Dialect::Luau).pid;
    h.run();
    EXPECT_EQ(h.exit_of(luau + 1).output, "1\t2.5\t42\n");
    EXPECT_EQ(h.exit_of(luau).output, "no program named '5'\n");
    Harness lua_harness;
    Pid lua = lua_harness.os.spawn_process(code, "b.lua").pid;
    lua_harness.run();
    EXPECT_EQ(lua_harness.exit_of(lua + 1).output, "1.0\t2.5\t42.0\n");
    EXPECT_EQ(lua_harness.exit_of(lua).output, "no program named '5.0'\n");
}

// Luau's table.foreach and foreachi, and os.date's formatting, loop in C:
// a hostile script that makes them run long is killed on the CPU budget,
// and its neighbour runs on.
TEST(LuauLibrary, ForeachAndDateLoopsAreChargedToTheCpuBudget) {
    RuntimeOptions options;
    options.cpu_budget = 400'000;  // table.create(1e6, 1) charges 250,000
    const char* scripts[] = {"local t = table.create(1e6, 1) print('made') table.foreachi(t, getmetatable)",
                             "local t = table.create(1e6, 1) print('made') table.foreach(t, getmetatable)",
                             "local f = string.rep('%d', 1e6) print('made') os.date(f)"};
    for (const char* script : scripts) {
        Harness h(options);
        Pid hostile = h.os.spawn_process(script, "hostile.luau", Dialect::Luau).pid;
        Pid neighbour = h.os.spawn_process("print(table.maxn({1, 2, 3}))", "n.luau", Dialect::Luau).pid;
        h.run();
        EXPECT_EQ(h.exit_of(hostile).status, ProcessStatus::Killed) << script << h.exit_of(hostile).error;
        EXPECT_NE(h.exit_of(hostile).error.find("without yielding"), std::string::npos) << h.exit_of(hostile).error;
        EXPECT_EQ(h.exit_of(hostile).output, "made\n");
        EXPECT_EQ(h.exit_of(neighbour).output, "3\n");
    }
}

// Issue 21, item 10: Luau makes no tail calls, so endless recursion through
// `return f()` is a stack overflow that pcall catches, as in Luau, not an
// endless loop. (Lua's stack limit needs more than the default 16 MiB.)
TEST(LuauLibrary, EndlessTailRecursionIsACatchableStackOverflow) {
    RuntimeOptions options;
    options.memory_limit = 256u << 20;
    Exit exit = run_luau("local function f() return f() end\nlocal ok, e = pcall(f)\nprint(ok, e)\nprint('after')", options);
    ASSERT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    EXPECT_EQ(exit.output.rfind("false\t", 0), 0u) << exit.output;
    EXPECT_NE(exit.output.find("stack overflow"), std::string::npos) << exit.output;
    EXPECT_NE(exit.output.find("\nafter\n"), std::string::npos) << exit.output;
}

TEST(LuauLibrary, GlobalsAndLibrariesAreIsolatedBetweenProcesses) {
    Harness h;
    Pid writer = h.os.spawn_process("secret = 1 print(pcall(function() math.pi = 3 end))", "w.luau", Dialect::Luau).pid;
    Pid reader = h.os.spawn_process("coroutine.yield() print(secret, math.pi > 3.14)", "r.luau", Dialect::Luau).pid;
    h.run();
    EXPECT_EQ(h.exit_of(writer).output.rfind("false\t", 0), 0u) << h.exit_of(writer).output;
    EXPECT_EQ(h.exit_of(reader).output, "nil\ttrue\n");
}

TEST(LuauLibrary, UnderscoreGIsTheProcessGlobalsToo) {
    Exit exit = run_luau("x = 1 print(_G.x, _G._G == _G, rawget(_G, '_G') == _G)");
    EXPECT_EQ(exit.output, "1\ttrue\ttrue\n") << exit.error;
}

TEST(LuauLibrary, EachDistinctSourceIsTranslatedAndCompiledOnce) {
    Harness h;
    const char* code = "coroutine.yield() local x: number = 1";
    h.os.spawn_process(code, "same.luau", Dialect::Luau);
    h.os.spawn_process(code, "same.luau", Dialect::Luau);
    EXPECT_EQ(RuntimeAccess::chunks(h.runtime).size(), 1u);
    h.os.spawn_process("coroutine.yield() local x = 1", "same.luau", Dialect::Lua);
    h.os.spawn_process("coroutine.yield() local x = 1", "same.luau", Dialect::Luau);
    EXPECT_EQ(RuntimeAccess::chunks(h.runtime).size(), 3u);
    h.run();
    for (Pid pid : {1u, 2u, 3u, 4u}) EXPECT_EQ(h.exit_of(pid).status, ProcessStatus::Finished) << h.exit_of(pid).error;
}

TEST(LuauLibrary, ErrorsNameTheLuauLine) {
    Exit runtime_error = run_luau("local t: {number} = {\n  1,\n} :: any\nlocal s = `{t[1]}` .. nil\n");
    EXPECT_EQ(runtime_error.status, ProcessStatus::Failed);
    EXPECT_EQ(runtime_error.error.rfind("game.luau:4: attempt to concatenate string with nil", 0), 0u)
        << runtime_error.error;
    Exit lua_compile_error = run_luau("local x = 1\n\nbreak\n");
    EXPECT_EQ(lua_compile_error.status, ProcessStatus::Failed);
    EXPECT_NE(lua_compile_error.error.find("game.luau:3:"), std::string::npos) << lua_compile_error.error;
    Exit arithmetic = run_luau("local a = 1\nlocal b = a +\n  nil\n");
    EXPECT_NE(arithmetic.error.find("game.luau:"), std::string::npos) << arithmetic.error;
    EXPECT_NE(arithmetic.error.find("attempt to perform arithmetic"), std::string::npos) << arithmetic.error;
}

}  // namespace
}  // namespace luaos::test
