// `luaos run` without --json: the processes' output on stdout, diagnostics on
// stderr, in an order that does not depend on the number of threads.

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

// count_a.lua and count_b.lua each print five lines, one per many slices, and
// as A and B do the same work, line i of each comes out in the same tick.
std::string interleaved_counts(int vms) {
    std::string expected;
    for (int line = 1; line <= 5; ++line) {
        for (int vm = 0; vm < vms; ++vm) expected += "A" + std::to_string(line) + "\nB" + std::to_string(line) + "\n";
    }
    return expected;
}

TEST(PlainOutput, PrintsOutputInOrder) {
    CliResult result = run_luaos({"run", script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "hello\nworld\n");
    EXPECT_EQ(result.err, "");
}

TEST(PlainOutput, PreemptedProcessesInterleave) {
    CliResult result = run_luaos({"run", "--quantum", "100", script("count_a.lua"), script("count_b.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, interleaved_counts(1));
}

TEST(PlainOutput, ThreadAndShardCountsDoNotChangeTheOutput) {
    std::vector<std::string> files = {script("count_a.lua"), script("count_b.lua"), script("runtime_error.lua")};
    auto run_with = [&](const char* threads, const char* shard_vms) {
        std::vector<std::string> args = {"run", "--quantum", "100", "--vms", "4", "--threads", threads,
                                         "--shard-vms", shard_vms};
        args.insert(args.end(), files.begin(), files.end());
        return run_luaos(args);
    };
    CliResult one = run_with("1", "4");
    CliResult two = run_with("2", "4");
    CliResult four = run_with("4", "4");
    CliResult small_shards = run_with("1", "1");
    ASSERT_EQ(one.exit_code, 1) << one.err;
    EXPECT_EQ(two.exit_code, 1) << two.err;
    EXPECT_EQ(four.exit_code, 1) << four.err;
    EXPECT_EQ(small_shards.exit_code, 1) << small_shards.err;

    // Tick 1: each VM's A1, B1 and "before" (pid 3), VM by VM.
    std::string first_tick;
    for (int vm = 0; vm < 4; ++vm) first_tick += "A1\nB1\nbefore\n";
    ASSERT_EQ(one.out.substr(0, first_tick.size()), first_tick);
    EXPECT_EQ(two.out, one.out);
    EXPECT_EQ(four.out, one.out);
    EXPECT_EQ(small_shards.out, one.out);
    // The diagnostics name each VM, in VM order.
    EXPECT_EQ(two.err, one.err);
    EXPECT_EQ(four.err, one.err);
    EXPECT_EQ(small_shards.err, one.err);
    EXPECT_LT(one.err.find("vm 0, process 3"), one.err.find("vm 3, process 3")) << one.err;
}

TEST(PlainOutput, FailureIsReportedOnStderr) {
    CliResult result = run_luaos({"run", "runtime_error.lua", "hello.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "before\nhello\nworld\n");
    // The error line, then where it ended the process, as the standalone lua prints it.
    EXPECT_EQ(result.err, "luaos: process 1 (runtime_error.lua) failed: runtime_error.lua:2: boom\n"
                          "stack traceback:\n"
                          "\t[C]: in function 'error'\n"
                          "\truntime_error.lua:2: in local 'explode'\n"
                          "\truntime_error.lua:3: in main chunk\n");
}

TEST(PlainOutput, CompileErrorIsReportedAndOthersRun) {
    CliResult result = run_luaos({"run", "syntax_error.lua", "hello.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "hello\nworld\n");
    EXPECT_EQ(result.err.rfind("luaos: process 1 (syntax_error.lua) failed: syntax_error.lua:2:", 0), 0u)
        << result.err;
}

TEST(PlainOutput, DiagnosticNamesTheVmWhenThereAreSeveral) {
    CliResult result = run_luaos({"run", "--vms", "2", "runtime_error.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 1);
    const std::string traceback = "stack traceback:\n"
                                  "\t[C]: in function 'error'\n"
                                  "\truntime_error.lua:2: in local 'explode'\n"
                                  "\truntime_error.lua:3: in main chunk\n";
    EXPECT_EQ(result.err, "luaos: vm 0, process 1 (runtime_error.lua) failed: runtime_error.lua:2: boom\n" + traceback +
                              "luaos: vm 1, process 1 (runtime_error.lua) failed: runtime_error.lua:2: boom\n" +
                              traceback);
}

TEST(PlainOutput, TickLimitExitsThreeAfterPrintingEveryTick) {
    CliResult result = run_luaos({"run", "--ticks", "4", script("print_forever.lua")});
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_EQ(result.out, "tick\ntick\ntick\ntick\n");
    EXPECT_NE(result.err.find("tick limit"), std::string::npos) << result.err;
}

TEST(PlainOutput, PacedRunOnAForeverLoopExitsThree) {
    CliResult result = run_luaos({"run", "--tps", "1000", "--ticks", "3", script("print_forever.lua")});
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_EQ(result.out, "tick\ntick\ntick\n");
}

TEST(PlainOutput, PacedRunPrintsProgressOnStderr) {
    // The game loop reports every five seconds: 22 ticks at 4 per second
    // last five and a half.
    CliResult result = run_luaos({"run", "--tps", "4", "--ticks", "22", script("forever.lua")});
    EXPECT_EQ(result.exit_code, 3) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("VMs active"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace luaos::cli_test
