// Ctrl-C and SIGTERM: the current tick ends, the report, the trace and the
// timeline are written as for the tick limit (processes still running), and
// the exit status is 130 or 143; a second signal ends the run at once.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

using nlohmann::json;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

class Interrupt : public testing::Test {
protected:
    void SetUp() override {
        std::string pattern = testing::TempDir() + "luaos_interrupt_XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string dir_;
};

// The trace file is opened once the signals are handled, before the first tick.
void wait_until_exists(const std::string& path) {
    for (int i = 0; i < 6000 && !std::filesystem::exists(path); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
}

TEST_F(Interrupt, SigintWritesTheReportTraceAndTimelineAndExits130) {
    const std::string trace = dir_ + "/t.json";
    const std::string timeline = dir_ + "/t.svg";
    CliSession luaos({"run", "--json", "--trace", trace, "--timeline", timeline, "--ticks", "1000000000",
                      script("forever.lua"), script("hello.lua")});
    wait_until_exists(trace);
    luaos.signal(SIGINT);
    CliResult result = luaos.finish();
    ASSERT_EQ(result.exit_code, 130) << "signal " << result.signal << "\n" << result.err;
    EXPECT_NE(result.err.find("SIGINT"), std::string::npos) << result.err;

    json report = json::parse(result.out);
    EXPECT_EQ(report["interrupted"], "SIGINT");
    EXPECT_EQ(report["hit_tick_limit"], false);
    EXPECT_LT(report["ticks"].get<std::uint64_t>(), 1000000000u);
    const json& vm = report["vms"][0];
    EXPECT_FALSE(vm["finished"].get<bool>());
    ASSERT_EQ(vm["processes"].size(), 2u);
    EXPECT_EQ(vm["processes"][0]["status"], "running");
    EXPECT_TRUE(vm["processes"][0]["error"].is_null());

    json events = json::parse(read_file(trace));
    EXPECT_TRUE(events["traceEvents"].is_array());
    const std::string svg = read_file(timeline);
    EXPECT_NE(svg.find("<svg"), std::string::npos) << svg.substr(0, 200);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    // The signal may come before hello.lua's first tick or after it: the
    // picture counts what the report says is still running.
    std::size_t running = 0;
    for (const json& process : vm["processes"]) running += process["status"] == "running" ? 1 : 0;
    EXPECT_NE(svg.find(std::to_string(running) + " running)"), std::string::npos) << svg.substr(0, 600);
}

TEST_F(Interrupt, SigtermInPlainModeEndsTheTickAndExits143) {
    CliSession luaos({"run", "--ticks", "1000000000", script("print_forever.lua")});
    ASSERT_TRUE(luaos.wait_for("tick\n")) << luaos.err();
    luaos.signal(SIGTERM);
    CliResult result = luaos.finish();
    ASSERT_EQ(result.exit_code, 143) << "signal " << result.signal << "\n" << result.err;
    // Whole ticks only: every line the script printed is there, complete.
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) EXPECT_EQ(line, "tick");
    EXPECT_EQ(result.out.back(), '\n');
    EXPECT_NE(result.err.find("interrupted by SIGTERM"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("1 process(es) still running"), std::string::npos) << result.err;
}

// A paced run sleeps between ticks; the signal must not wait for a long frame.
TEST_F(Interrupt, PacedRunStopsWithoutSleepingOutItsFrame) {
    CliSession luaos({"run", "--tps", "0.001", script("print_forever.lua")});
    ASSERT_TRUE(luaos.wait_for("tick\n")) << luaos.err();
    luaos.signal(SIGINT);
    // A 1000 s frame: only an interrupted sleep ends before the test's timeout.
    CliResult result = luaos.finish();
    EXPECT_EQ(result.exit_code, 130) << result.err;
    EXPECT_EQ(result.out, "tick\n");
}

// The first signal waits for the end of the tick, which here is one slice
// of 60 s; the second does not wait.
TEST_F(Interrupt, SecondSignalEndsTheRunAtOnce) {
    CliSession luaos({"run", "--slice-us", "60000000", script("ready_then_forever.lua")});
    // The first tick's output: the second tick, and its long slice, begins.
    ASSERT_TRUE(luaos.wait_for("ready\n")) << luaos.err();
    luaos.signal(SIGINT);
    ASSERT_TRUE(luaos.wait_for("again", true)) << luaos.err();
    luaos.signal(SIGINT);
    CliResult result = luaos.finish();
    EXPECT_EQ(result.signal, SIGINT) << "exit " << result.exit_code << "\n" << result.err;
    EXPECT_EQ(result.out, "ready\n");
}

}  // namespace
}  // namespace luaos::cli_test
