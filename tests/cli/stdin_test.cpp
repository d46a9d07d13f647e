// A process's stdin and arguments under `luaos run`: stdin at end of file by
// default, `--stdin` connecting this program's stdin to PID 1 of the first
// VM line by line, and the arguments after `--` given to every FILE.

#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

using nlohmann::json;

std::string example(const std::string& name) { return std::string(LUAOS_EXAMPLES_DIR) + "/shell/" + name; }

// Typed text waits on the pipe, unread: without --stdin it must not reach the
// script, and the run must not wait for more.
TEST(Stdin, IsAtEndOfFileByDefault) {
    CliSession luaos({"run", "--json", script("read_line.lua")});
    luaos.write_stdin("typed\n");
    CliResult result = luaos.finish(/*keep_stdin_open=*/true);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = json::parse(result.out);
    EXPECT_EQ(report["ticks"], 1) << "io.read() returned at once";
    EXPECT_EQ(report["vms"][0]["processes"][0]["stdout"], "eof\n");
}

TEST(Stdin, EveryTopLevelProcessSeesEndOfFile) {
    CliResult result = run_luaos({"run", "--vms", "2", "--json", script("read_line.lua"), script("echo_lines.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = json::parse(result.out);  // a range-for over a temporary's member would read freed memory
    for (const json& vm : report["vms"]) {
        EXPECT_EQ(vm["processes"][0]["stdout"], "eof\n");
        EXPECT_EQ(vm["processes"][1]["stdout"], "eof\n");
    }
}

TEST(Stdin, ConnectsPid1LineByLineWithItsOutputAsItComes) {
    // Few ticks: waiting for the next line must not spend them.
    CliSession luaos({"run", "--stdin", "--ticks", "50", script("echo_lines.lua")});
    luaos.write_stdin("one\n");
    ASSERT_TRUE(luaos.wait_for("got one\n")) << luaos.err();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    luaos.write_stdin("two\n");
    ASSERT_TRUE(luaos.wait_for("got two\n")) << luaos.err();
    CliResult result = luaos.finish();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "got one\ngot two\neof\n");
    EXPECT_EQ(result.err, "");
}

TEST(Stdin, APipeOfManyLinesArrivesWholeAndInOrder) {
    std::string input;
    std::string expected;
    for (int i = 1; i <= 2000; ++i) {
        input += "line " + std::to_string(i) + "\n";
        expected += "got line " + std::to_string(i) + "\n";
    }
    CliSession luaos({"run", "--stdin", "--ticks", "100000", script("echo_lines.lua")});
    luaos.write_stdin(input);
    CliResult result = luaos.finish();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, expected + "eof\n");
}

TEST(Stdin, ALastLineWithoutNewlineIsALine) {
    CliSession luaos({"run", "--stdin", script("echo_lines.lua")});
    luaos.write_stdin("a\nb");
    CliResult result = luaos.finish();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "got a\ngot b\neof\n");
}

TEST(Stdin, OnlyPid1OfTheFirstVmIsConnected) {
    CliSession luaos({"run", "--stdin", "--vms", "2", "--json", script("echo_lines.lua"), script("echo_lines.lua")});
    luaos.write_stdin("x\n");
    CliResult result = luaos.finish();
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = json::parse(result.out);
    EXPECT_EQ(report["vms"][0]["processes"][0]["stdout"], "got x\neof\n");
    EXPECT_EQ(report["vms"][0]["processes"][1]["stdout"], "eof\n");
    EXPECT_EQ(report["vms"][1]["processes"][0]["stdout"], "eof\n");
    EXPECT_EQ(report["vms"][1]["processes"][1]["stdout"], "eof\n");
}

// Once PID 1 has ended nothing waits for this stdin, which stays open here.
TEST(Stdin, ARunWhoseReaderEndedDoesNotWaitForInput) {
    CliSession luaos({"run", "--stdin", script("hello.lua"), script("yield_three_times.lua")});
    CliResult result = luaos.finish(/*keep_stdin_open=*/true);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "hello\nworld\n");
}

TEST(Stdin, CtrlCWhileWaitingForInputStopsTheRun) {
    CliSession luaos({"run", "--stdin", script("echo_lines.lua")});
    luaos.write_stdin("one\n");
    ASSERT_TRUE(luaos.wait_for("got one\n")) << luaos.err();
    luaos.signal(SIGINT);
    CliResult result = luaos.finish(/*keep_stdin_open=*/true);
    EXPECT_EQ(result.exit_code, 130) << result.err;
    EXPECT_EQ(result.out, "got one\n");
    EXPECT_NE(result.err.find("1 process(es) still running"), std::string::npos) << result.err;
}

// The example shell as a player would use it: `luaos run --stdin shell.lua`.
TEST(Stdin, TheExampleShellIsInteractive) {
    CliSession luaos({"run", "--stdin", "--program", "echo=" + example("echo.lua"), example("shell.lua")});
    ASSERT_TRUE(luaos.wait_for("$ ")) << luaos.err();
    luaos.write_stdin("echo hello world\n");
    ASSERT_TRUE(luaos.wait_for("hello world\n$ ")) << luaos.out() << luaos.err();
    luaos.write_stdin("nosuch\n");
    ASSERT_TRUE(luaos.wait_for("no program named 'nosuch'\n$ ")) << luaos.out() << luaos.err();
    luaos.write_stdin("exit 0\n");
    CliResult result = luaos.finish(/*keep_stdin_open=*/true);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "$ hello world\n$ shell: no program named 'nosuch'\n$ ");
}

TEST(Arguments, AfterDoubleDashGoToEveryFileAsVarargsAndArg) {
    CliResult result = run_luaos({"run", "--json", "args.lua", "args.lua", "--", "a", "b c", "--json"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const json report = json::parse(result.out);
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u) << "the arguments are not FILEs";
    for (const json& process : processes) {
        EXPECT_EQ(process["stdout"], "3\ta\tb c\t--json\nargs.lua\t3\ta,b c,--json\n");
    }
}

TEST(Arguments, WithoutThemArgHoldsTheFileName) {
    CliResult result = run_luaos({"run", "args.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "0\nargs.lua\t0\t\n");
}

}  // namespace
}  // namespace luaos::cli_test
