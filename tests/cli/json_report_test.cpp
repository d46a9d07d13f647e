// `luaos run --json`: the report's fields, types and what they say about a run.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

using nlohmann::json;

json parse_report(const CliResult& result) {
    // json::parse throws on invalid JSON (invalid UTF-8 included): a failure.
    return json::parse(result.out);
}

bool is_uuid_v4(const std::string& text) {
    static const std::regex pattern("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    return std::regex_match(text, pattern);
}

const json& only_process(const json& report) {
    EXPECT_EQ(report["vms"].size(), 1u);
    EXPECT_EQ(report["vms"][0]["processes"].size(), 1u);
    return report["vms"][0]["processes"][0];
}

TEST(JsonReport, FinishedRunHasEveryFieldWithItsType) {
    CliResult result = run_luaos({"run", "--json", script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = parse_report(result);

    ASSERT_TRUE(report["ticks"].is_number_integer());
    ASSERT_TRUE(report["elapsed_ms"].is_number());
    EXPECT_GE(report["elapsed_ms"].get<double>(), 0.0);
    ASSERT_TRUE(report["setup_ms"].is_number());
    ASSERT_TRUE(report["vms"].is_array());
    ASSERT_EQ(report["vms"].size(), 1u);

    const json& vm = report["vms"][0];
    ASSERT_TRUE(vm["id"].is_string());
    EXPECT_TRUE(is_uuid_v4(vm["id"].get<std::string>())) << vm["id"];
    ASSERT_TRUE(vm["finished"].is_boolean());
    EXPECT_TRUE(vm["finished"].get<bool>());
    ASSERT_TRUE(vm["processes"].is_array());
    ASSERT_EQ(vm["processes"].size(), 1u);

    const json& process = vm["processes"][0];
    ASSERT_TRUE(process["pid"].is_number_integer());
    EXPECT_EQ(process["pid"], 1);
    EXPECT_EQ(process["status"], "finished");
    ASSERT_TRUE(process.contains("error"));
    EXPECT_TRUE(process["error"].is_null());
    EXPECT_EQ(process["stdout"], "hello\nworld\n");
}

TEST(JsonReport, RunEndingInTheFirstTickReportsOneTick) {
    CliResult result = run_luaos({"run", "--json", script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(parse_report(result)["ticks"], 1);
}

TEST(JsonReport, TopLevelYieldsMakeAProcessTakeMoreTicks) {
    CliResult result = run_luaos({"run", "--json", script("yield_three_times.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = parse_report(result);
    EXPECT_EQ(report["ticks"], 4);
    EXPECT_EQ(only_process(report)["status"], "finished");
}

TEST(JsonReport, RuntimeErrorFailsTheProcessAndTheRun) {
    CliResult result = run_luaos({"run", "--json", script("runtime_error.lua")});
    ASSERT_EQ(result.exit_code, 1) << result.err;
    json report = parse_report(result);
    const json& process = only_process(report);
    EXPECT_EQ(process["status"], "failed");
    ASSERT_TRUE(process["error"].is_string());
    // The chunk name is the path as given, so the error names file and line;
    // Lua shortens a long one to "..." and its tail (LUA_IDSIZE), as a clone
    // in a deep folder gives.
    const std::string error = process["error"];
    const std::string named = script("runtime_error.lua") + ":2: boom";
    if (error.starts_with("...")) {
        EXPECT_TRUE(named.ends_with(error.substr(3))) << error;
        EXPECT_TRUE(error.ends_with("/runtime_error.lua:2: boom")) << error;
    } else {
        EXPECT_EQ(error, named);
    }
    EXPECT_EQ(process["stdout"], "before\n");
}

TEST(JsonReport, ErrorNamesTheFileAsGivenOnTheCommandLine) {
    CliResult result = run_luaos({"run", "--json", "runtime_error.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 1) << result.err;
    json report = parse_report(result);
    const json& process = only_process(report);
    EXPECT_EQ(process["error"], "runtime_error.lua:2: boom");
    EXPECT_EQ(process["traceback"], "stack traceback:\n"
                                    "\t[C]: in function 'error'\n"
                                    "\truntime_error.lua:2: in local 'explode'\n"
                                    "\truntime_error.lua:3: in main chunk");
}

TEST(JsonReport, CompileErrorFailsOnlyThatProcess) {
    CliResult result = run_luaos({"run", "--json", "syntax_error.lua", "hello.lua"}, scripts_dir());
    ASSERT_EQ(result.exit_code, 1) << result.err;
    json report = parse_report(result);
    EXPECT_EQ(report["ticks"], 1);
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u);

    EXPECT_EQ(processes[0]["pid"], 1);
    EXPECT_EQ(processes[0]["status"], "failed");
    ASSERT_TRUE(processes[0]["error"].is_string());
    EXPECT_EQ(processes[0]["error"].get<std::string>().rfind("syntax_error.lua:2:", 0), 0u) << processes[0]["error"];
    EXPECT_TRUE(processes[0]["traceback"].is_null()) << "a compile error ran no code";

    EXPECT_EQ(processes[1]["pid"], 2);
    EXPECT_EQ(processes[1]["status"], "finished");
    EXPECT_EQ(processes[1]["stdout"], "hello\nworld\n");
    EXPECT_TRUE(processes[1]["traceback"].is_null());
}

TEST(JsonReport, TickLimitLeavesProcessesRunning) {
    CliResult result = run_luaos({"run", "--json", "--ticks", "5", script("forever.lua")});
    ASSERT_EQ(result.exit_code, 3) << result.err;
    json report = parse_report(result);
    EXPECT_EQ(report["ticks"], 5);
    EXPECT_FALSE(report["vms"][0]["finished"].get<bool>());
    const json& process = only_process(report);
    EXPECT_EQ(process["status"], "running");
    EXPECT_TRUE(process["error"].is_null());
}

TEST(JsonReport, FailureOutranksTheTickLimit) {
    CliResult result =
        run_luaos({"run", "--json", "--ticks", "3", script("forever.lua"), script("runtime_error.lua")});
    EXPECT_EQ(result.exit_code, 1) << result.err;
}

TEST(JsonReport, ListsProcessesThatEndedLongBeforeTheReport) {
    CliResult result = run_luaos({"run", "--json", "--ticks", "3", script("hello.lua"), script("forever.lua")});
    ASSERT_EQ(result.exit_code, 3) << result.err;
    json report = parse_report(result);
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u);
    EXPECT_EQ(processes[0]["status"], "finished");
    EXPECT_EQ(processes[0]["stdout"], "hello\nworld\n");
    EXPECT_EQ(processes[1]["status"], "running");
}

TEST(JsonReport, ProcessesAreInPidOrderWhateverOrderTheyEnded) {
    // pid 2 ends in the first tick, pid 1 in the fourth.
    CliResult result = run_luaos({"run", "--json", script("yield_three_times.lua"), script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = parse_report(result);
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u);
    EXPECT_EQ(processes[0]["pid"], 1);
    EXPECT_EQ(processes[1]["pid"], 2);
    EXPECT_EQ(processes[1]["stdout"], "hello\nworld\n");
}

TEST(JsonReport, SeveralVmsEachRunEveryFile) {
    CliResult result = run_luaos({"run", "--json", "--vms", "3", script("hello.lua"), script("read_global.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = parse_report(result);
    ASSERT_EQ(report["vms"].size(), 3u);
    std::set<std::string> ids;
    for (const json& vm : report["vms"]) {
        ids.insert(vm["id"].get<std::string>());
        EXPECT_TRUE(is_uuid_v4(vm["id"].get<std::string>())) << vm["id"];
        EXPECT_TRUE(vm["finished"].get<bool>());
        ASSERT_EQ(vm["processes"].size(), 2u);
        EXPECT_EQ(vm["processes"][0]["pid"], 1);
        EXPECT_EQ(vm["processes"][0]["stdout"], "hello\nworld\n");
        EXPECT_EQ(vm["processes"][1]["pid"], 2);
    }
    EXPECT_EQ(ids.size(), 3u) << "VM ids must be distinct";
}

TEST(JsonReport, SeveralThreadsReportTheSameProcesses) {
    CliResult result = run_luaos({"run", "--json", "--vms", "6", "--threads", "3", script("yield_three_times.lua"),
                                  script("runtime_error.lua")});
    ASSERT_EQ(result.exit_code, 1) << result.err;
    json report = parse_report(result);
    EXPECT_EQ(report["ticks"], 4);
    ASSERT_EQ(report["vms"].size(), 6u);
    for (const json& vm : report["vms"]) {
        ASSERT_EQ(vm["processes"].size(), 2u);
        EXPECT_EQ(vm["processes"][0]["status"], "finished");
        EXPECT_EQ(vm["processes"][1]["status"], "failed");
        EXPECT_EQ(vm["processes"][1]["stdout"], "before\n");
    }
}

TEST(JsonReport, EachProcessHasItsOwnGlobals) {
    CliResult result = run_luaos({"run", "--json", script("set_global.lua"), script("read_global.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = parse_report(result);
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u);
    EXPECT_EQ(processes[0]["stdout"], "set by pid 1\n");
    EXPECT_EQ(processes[1]["stdout"], "nil\n");
}

TEST(JsonReport, NonStringErrorIsDescribed) {
    CliResult result = run_luaos({"run", "--json", script("table_error.lua")});
    ASSERT_EQ(result.exit_code, 1) << result.err;
    json report = parse_report(result);
    const json& process = only_process(report);
    EXPECT_EQ(process["status"], "failed");
    EXPECT_EQ(process["error"], "error object is a table value");
}

TEST(JsonReport, InvalidUtf8OutputStillGivesValidJson) {
    CliResult result = run_luaos({"run", "--json", script("invalid_utf8.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json report = parse_report(result);
    const json& process = only_process(report);
    std::string text = process["stdout"].get<std::string>();
    EXPECT_NE(text.find(" ok "), std::string::npos) << text;
    EXPECT_NE(text.find("\xEF\xBF\xBD"), std::string::npos) << "invalid bytes become U+FFFD: " << text;
}

TEST(JsonReport, PacedRunStopsAtTheTickLimit) {
    CliResult result = run_luaos({"run", "--json", "--tps", "1000", "--ticks", "3", script("forever.lua")});
    ASSERT_EQ(result.exit_code, 3) << result.err;
    json report = parse_report(result);
    EXPECT_EQ(report["ticks"], 3);
    // Three frames of a millisecond each: an unpaced run takes far less.
    EXPECT_GE(report["elapsed_ms"].get<double>(), 2.9);
    EXPECT_EQ(only_process(report)["status"], "running");
}

TEST(JsonReport, QuantumIsHonoured) {
    // 2,000 iterations per line take many slices at 100 instructions each,
    // but fit one slice at a quantum of ten million.
    CliResult small = run_luaos({"run", "--json", "--quantum", "100", script("count_a.lua")});
    CliResult large = run_luaos({"run", "--json", "--quantum", "10000000", script("count_a.lua")});
    ASSERT_EQ(small.exit_code, 0) << small.err;
    ASSERT_EQ(large.exit_code, 0) << large.err;
    EXPECT_GT(parse_report(small)["ticks"].get<int>(), 50);
    EXPECT_EQ(parse_report(large)["ticks"], 1);
}

}  // namespace
}  // namespace luaos::cli_test

namespace luaos::cli_test {
namespace {

TEST(JsonReport, MemoryLimitFailsOnlyTheProcessThatPassesIt) {
    CliResult result = run_luaos({"run", "--json", "--memory-limit", "1M", "--quantum", "100000",
                                  script("grow_forever.lua"), script("hello.lua")});
    ASSERT_EQ(result.exit_code, 1) << result.err;
    json report = parse_report(result);
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u);
    EXPECT_EQ(processes[0]["status"], "failed");
    EXPECT_NE(processes[0]["error"].get<std::string>().find("memory limit of 1048576 bytes"), std::string::npos)
        << processes[0]["error"];
    EXPECT_EQ(processes[1]["status"], "finished");
}

TEST(JsonReport, DefaultMemoryLimitLetsTheSameScriptGrowFurther) {
    // The same script under the default 16M limit survives the ticks that
    // were enough for it to pass 1M.
    CliResult result = run_luaos({"run", "--json", "--quantum", "100000", "--ticks", "3", script("grow_forever.lua")});
    ASSERT_EQ(result.exit_code, 3) << result.err;
    EXPECT_EQ(only_process(parse_report(result))["status"], "running");
}

}  // namespace
}  // namespace luaos::cli_test
