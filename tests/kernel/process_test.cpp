// A process: its own thread, globals, stdout and fate.

#include <gtest/gtest.h>

#include "runtime/chunk_cache.hpp"
#include "runtime/error_text.hpp"
#include "runtime/runtime_access.hpp"
#include "support/harness.hpp"

namespace luaos::test {
namespace {

TEST(Process, GlobalsArePrivateToEachProcess) {
    Harness h;
    Pid writer = h.spawn("shared = 'secret' x = 1 print(shared)", "writer.lua");
    Pid reader = h.spawn("print(shared, x, rawget(_G, 'shared'))", "reader.lua");
    h.run();
    EXPECT_EQ(h.exit_of(writer).output, "secret\n");
    EXPECT_EQ(h.exit_of(reader).output, "nil\tnil\tnil\n");
}

TEST(Process, LibraryGlobalsCanBeShadowedWithoutAffectingOthers) {
    Harness h;
    Pid shadow = h.spawn("print = function() end string = nil", "shadow.lua");
    Pid normal = h.spawn("coroutine.yield() print(string.upper('still here'))", "normal.lua");
    h.run();
    EXPECT_EQ(h.exit_of(shadow).status, ProcessStatus::Finished);
    EXPECT_EQ(h.exit_of(normal).output, "STILL HERE\n");
}

TEST(Process, CompileErrorFailsOnlyThatProcessAndNamesFileAndLine) {
    Harness h;
    SpawnResult bad = h.os.spawn_process("local x = 1\nlocal y = = 2\n", "scripts/bad.lua");
    Pid good = h.spawn("print('fine')", "good.lua");
    EXPECT_FALSE(bad.ok());
    EXPECT_EQ(bad.pid, 1u);
    EXPECT_EQ(bad.error, "scripts/bad.lua:2: unexpected symbol near '='");
    h.run();
    Exit exit = h.exit_of(bad.pid);
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, bad.error);
    EXPECT_EQ(exit.tick, 1u);
    EXPECT_EQ(h.exit_of(good).output, "fine\n");
}

TEST(Process, CompileErrorAtTheLastLineIsReportedThere) {
    Exit exit = run_script("print('a')\nif true then\n");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, "test.lua:3: 'end' expected (to close 'if' at line 2) near <eof>");
}

TEST(Process, RuntimeErrorKeepsChunkNameAndLine) {
    Exit exit = run_script("print('before')\nlocal t = nil\nprint(t.field)\nprint('after')");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_EQ(exit.error, "test.lua:3: attempt to index a nil value (local 't')");
    EXPECT_EQ(exit.output, "before\n");
}

TEST(Process, NonStringErrorValuesAreDescribedWithoutRunningScriptCode) {
    EXPECT_EQ(run_script("error({})").error, "error object is a table value");
    EXPECT_EQ(run_script("error(setmetatable({}, {__tostring = function() while true do end end}))").error,
              "error object is a table value");
    EXPECT_EQ(run_script("error()").error, "error object is a nil value");
    EXPECT_EQ(run_script("error(42)").error, "42");
    EXPECT_EQ(run_script("error(1.5)").error, "1.5");
}

TEST(Process, HugeErrorMessagesAreCapped) {
    Exit exit = run_script("error(string.rep('x', 100000), 0)");
    EXPECT_EQ(exit.status, ProcessStatus::Failed);
    EXPECT_LE(exit.error.size(), kMaxErrorBytes + 64);
    EXPECT_EQ(exit.error.substr(0, 10), "xxxxxxxxxx");
    EXPECT_NE(exit.error.find("truncated"), std::string::npos);
}

TEST(Process, ShebangLineIsSkippedAndLineNumbersHold) {
    Exit exit = run_script("#!/usr/bin/env lua\nprint('hi')\nerror('line three')");
    EXPECT_EQ(exit.output, "hi\n");
    EXPECT_EQ(exit.error, "test.lua:3: line three");
}

TEST(Process, ScriptArgumentsAndReturnValuesAreHandled) {
    Exit exit = run_script("print(select('#', ...)) return 1, 2, 3");
    EXPECT_EQ(exit.status, ProcessStatus::Finished);
    EXPECT_EQ(exit.output, "0\n");
}

TEST(Process, OutputCanBeTakenWhileRunning) {
    Harness h;
    Pid pid = h.spawn("print('one') coroutine.yield() print('two')");
    h.tick();
    Process* process = h.os.find(pid);
    ASSERT_NE(process, nullptr);
    EXPECT_EQ(process->output(), "one\n");
    EXPECT_EQ(process->take_output(), "one\n");
    EXPECT_EQ(process->output(), "");
    h.tick();
    EXPECT_EQ(h.exit_of(pid).output, "two\n");
}

TEST(Process, StatusNamesFollowTheReportVocabulary) {
    EXPECT_STREQ(status_name(ProcessStatus::Ready), "running");
    EXPECT_STREQ(status_name(ProcessStatus::Finished), "finished");
    EXPECT_STREQ(status_name(ProcessStatus::Failed), "failed");
    EXPECT_STREQ(status_name(ProcessStatus::Killed), "killed");
}

TEST(Process, SameSourceCompilesOnceAndIsFreedWithItsLastProcess) {
    Harness h;
    const char* code = "local n = ... n = (n or 0) + 1 counter = (counter or 0) + 1 coroutine.yield() print(counter)";
    h.spawn(code, "same.lua");
    h.spawn(code, "same.lua");
    h.spawn(code, "other-name.lua");
    EXPECT_EQ(RuntimeAccess::chunks(h.runtime).size(), 2u) << "one compiled chunk per distinct (name, source)";
    h.run();
    EXPECT_EQ(h.exit_of(1).output, "1\n") << "processes sharing code do not share globals";
    EXPECT_EQ(h.exit_of(2).output, "1\n");
    EXPECT_EQ(RuntimeAccess::chunks(h.runtime).size(), 0u);
}

}  // namespace
}  // namespace luaos::test
