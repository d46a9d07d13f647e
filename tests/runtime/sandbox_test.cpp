// The sandbox: what a script can and cannot reach.

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace luaos::test {
namespace {

class HostFacility : public ::testing::TestWithParam<const char*> {};

TEST_P(HostFacility, IsNotReachable) {
    std::string code = std::string("print(") + GetParam() + " == nil)";
    EXPECT_EQ(output_of(code), "true\n") << GetParam() << " must not be reachable";
}

INSTANTIATE_TEST_SUITE_P(Sandbox, HostFacility,
                         ::testing::Values("io.popen", "io.input", "io.close", "io.stdout", "os.execute", "os.getenv", "os.remove", "os.rename",
                                           "os.tmpname", "os.setlocale", "package", "require", "debug", "loadfile",
                                           "dofile", "string.dump"));

// collectgarbage answers what is the VM's own and refuses what would run or
// tune the collector every VM of the state shares.
TEST(Collectgarbage, CountsTheVmsMemoryAndRefusesTheSharedCollector) {
    Exit exit = run_script(R"(
        local before = collectgarbage("count")
        local t = {}
        for i = 1, 100000 do t[i] = i end
        local grown = collectgarbage("count") - before
        print(math.type(before), before > 0, grown > 1000, grown < 4000)
        print(collectgarbage("isrunning"), collectgarbage("step"), collectgarbage("step", 100))
        print(pcall(collectgarbage))
        print(pcall(collectgarbage, "stop"))
        print(pcall(collectgarbage, "generational"))
        print(pcall(collectgarbage, "bogus"))
    )");
    EXPECT_EQ(exit.status, ProcessStatus::Finished) << exit.error;
    const std::string refused = "would run or tune the collector that every VM of this Lua state shares; "
                                "luaos allows only 'count', 'step' and 'isrunning')\n";
    EXPECT_EQ(exit.output, "float\ttrue\ttrue\ttrue\n"
                           "true\tfalse\tfalse\n"
                           "false\tbad argument #1 to 'collectgarbage' ('collect' " + refused +
                           "false\tbad argument #1 to 'collectgarbage' ('stop' " + refused +
                           "false\tbad argument #1 to 'collectgarbage' ('generational' " + refused +
                           "false\tbad argument #1 to 'collectgarbage' (invalid option 'bogus')\n");
}

class SafeLibrary : public ::testing::TestWithParam<const char*> {};

TEST_P(SafeLibrary, IsAvailable) {
    std::string code = std::string("print(type(") + GetParam() + "))";
    EXPECT_EQ(output_of(code), "function\n") << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Sandbox, SafeLibrary,
                         ::testing::Values("print", "pairs", "pcall", "xpcall", "error", "setmetatable", "tostring",
                                           "load", "string.format", "string.rep", "table.concat", "table.sort",
                                           "math.floor", "utf8.char", "coroutine.wrap", "coroutine.close",
                                           "os.time", "os.clock", "os.date", "os.difftime"));

TEST(Sandbox, PrintWritesToTheProcessStdout) {
    EXPECT_EQ(output_of("print('a', 1, nil, true) print()"), "a\t1\tnil\ttrue\n\n");
}

TEST(Sandbox, LoadRefusesBinaryChunks) {
    std::string out = output_of(R"(
        local f, err = load("\27Lua\84\0")
        print(f, err)
        print(load("return 1", "x", "b"))
    )");
    EXPECT_EQ(out,
              "nil\tattempt to load a binary chunk (mode is 't')\n"
              "nil\tattempt to load a text chunk (mode is 'b')\n");
}

TEST(Sandbox, LoadRefusesReaderFunctions) {
    Exit exit = run_script("load(function() return nil end)");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_NE(exit.error.find("luaos loads text chunks only"), std::string::npos) << exit.error;
}

TEST(Sandbox, LoadDefaultsToTheCallersGlobals) {
    EXPECT_EQ(output_of("x = 5 load('y = x + 1')() print(y, load('return string.upper')()('ok'))"), "6\tOK\n");
}

TEST(Sandbox, LoadFindsTheProcessGlobalsAtAnyDepthAndInCoroutines) {
    EXPECT_EQ(output_of(R"(
        x = 'mine'
        local function deep(n) if n == 0 then return load('return x')() end return (deep(n - 1)) end
        local inner = coroutine.wrap(function() coroutine.yield(load('return x')()) end)
        print(deep(1000), inner(), coroutine.wrap(function() return deep(10) end)())
    )"),
              "mine\tmine\tmine\n");
}

TEST(Sandbox, LoadTakesAnExplicitEnvironment) {
    EXPECT_EQ(output_of("local env = {v = 7} print(load('return v', 'c', 't', env)(), v)"), "7\tnil\n");
}

TEST(Sandbox, LoadReportsSyntaxErrorsAsValues) {
    EXPECT_EQ(output_of("print(load('return +', 'snippet'))"),
              "nil\t[string \"snippet\"]:1: unexpected symbol near '+'\n");
}

TEST(Sandbox, GlobalsMetatableIsProtected) {
    // The metatable is shared by every process's globals: handing it out would
    // let one script redirect every other script's library lookups.
    EXPECT_EQ(output_of("print(getmetatable(_G)) print(pcall(setmetatable, _G, {}))"),
              "false\nfalse\tcannot change a protected metatable\n");
}

TEST(Sandbox, UnderscoreGIsTheProcessGlobals) {
    EXPECT_EQ(output_of("_G.answer = 42 print(answer, _G == _ENV, _G._G == _G)"), "42\ttrue\ttrue\n");
}

TEST(Sandbox, GlobalsStartEmptyAndGetUnderscoreGOnFirstUse) {
    EXPECT_EQ(output_of(R"(
        print(next(_ENV), rawget(_ENV, '_G'))
        local g = _G
        print(g == _ENV, rawget(_ENV, '_G') == _ENV, (next(_ENV)))
    )"),
              "nil\tnil\ntrue\ttrue\t_G\n");
}

TEST(Sandbox, UnderscoreGIsFoundFromLoadedChunksAndCoroutines) {
    // Whichever names it first: a loaded chunk, then a coroutine.
    EXPECT_EQ(output_of("print(load('return _G')() == _ENV, coroutine.wrap(function() return _G end)() == _ENV)"),
              "true\ttrue\n");
    EXPECT_EQ(output_of("print(coroutine.wrap(function() return _G end)() == _ENV)"), "true\n");
}

TEST(Sandbox, OtherMissingGlobalsAreNil) {
    EXPECT_EQ(output_of("print(no_such_global, _g, rawget(_ENV, 'no_such_global'), next(_ENV))"), "nil\tnil\tnil\tnil\n");
}

}  // namespace
}  // namespace luaos::test
