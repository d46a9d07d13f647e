// `luaos run --trace FILE` (Chrome trace-event JSON) end to end, and the
// TraceWriter behind it driven by a real Cluster: its bound, its escaping.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/trace_writer.hpp"
#include "cli_runner.hpp"
#include "luaos/cluster.hpp"
#include "luaos/os.hpp"

namespace luaos::cli_test {
namespace {

using nlohmann::json;

// A fresh directory under the test's temporary directory.
std::string make_temp_dir() {
    std::string pattern = testing::TempDir() + "luaos_trace_XXXXXX";
    char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

using Thread = std::pair<int, int>;  // trace (pid, tid): (VM serial + 1, process pid)

struct Trace {
    json document;
    std::map<int, std::string> process_names;       // trace pid -> "vm N <uuid>"
    std::map<Thread, std::string> thread_names;     // -> script name
    std::map<Thread, std::vector<json>> slices;     // "X" events, in file order
    std::map<Thread, std::vector<json>> spawns;
    std::map<Thread, std::vector<json>> exits;
};

Trace parse_trace(const std::string& text) {
    Trace trace;
    // Throws (a test failure) on invalid JSON, invalid UTF-8 included.
    trace.document = json::parse(text);
    for (const json& event : trace.document.at("traceEvents")) {
        const std::string ph = event.at("ph");
        const Thread thread{event.at("pid").get<int>(), event.at("tid").get<int>()};
        if (ph == "M" && event.at("name") == "process_name") {
            trace.process_names[thread.first] = event.at("args").at("name");
        } else if (ph == "M" && event.at("name") == "thread_name") {
            trace.thread_names[thread] = event.at("args").at("name");
        } else if (ph == "X") {
            trace.slices[thread].push_back(event);
        } else if (ph == "i" && event.at("name") == "spawn") {
            trace.spawns[thread].push_back(event);
        } else if (ph == "i" && event.at("name") == "exit") {
            trace.exits[thread].push_back(event);
        }
    }
    return trace;
}

class TraceFile : public testing::Test {
protected:
    void SetUp() override { dir_ = make_temp_dir(); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
};

TEST_F(TraceFile, TwoVmsTwoScriptsGiveEverySliceSpawnAndExit) {
    const std::string path = dir_ + "/run.trace.json";
    const std::string counting = script("count_a.lua");
    const std::string failing = script("runtime_error.lua");
    CliResult result = run_luaos(
        {"run", "--json", "--vms", "2", "--threads", "2", "--quantum", "1000", "--trace", path, counting, failing});
    ASSERT_EQ(result.exit_code, 1) << result.err;  // runtime_error.lua fails
    const json report = json::parse(result.out);
    Trace trace = parse_trace(read_file(path));

    EXPECT_EQ(trace.document.at("displayTimeUnit"), "ms");
    const json& other = trace.document.at("otherData");
    EXPECT_EQ(other.at("dropped_events"), 0);
    EXPECT_EQ(other.at("ticks"), report.at("ticks"));
    EXPECT_EQ(other.at("events"), trace.document.at("traceEvents").size());

    ASSERT_EQ(report.at("vms").size(), 2u);
    for (int serial = 0; serial < 2; ++serial) {
        SCOPED_TRACE("vm " + std::to_string(serial));
        const int trace_pid = serial + 1;
        EXPECT_EQ(trace.process_names[trace_pid],
                  "vm " + std::to_string(serial) + " " + report["vms"][serial]["id"].get<std::string>());
        EXPECT_EQ((trace.thread_names[{trace_pid, 1}]), counting);
        EXPECT_EQ((trace.thread_names[{trace_pid, 2}]), failing);

        for (int pid : {1, 2}) {
            SCOPED_TRACE("pid " + std::to_string(pid));
            const Thread thread{trace_pid, pid};
            const std::vector<json>& slices = trace.slices[thread];
            ASSERT_FALSE(slices.empty());
            ASSERT_EQ(trace.spawns[thread].size(), 1u);
            ASSERT_EQ(trace.exits[thread].size(), 1u);
            const json& spawn = trace.spawns[thread][0];
            const json& exit = trace.exits[thread][0];
            EXPECT_EQ(spawn.at("s"), "t");
            EXPECT_GE(spawn.at("ts").get<double>(), 0.0);

            // One slice per tick from tick 1, each after the last, between
            // the spawn and the exit.
            double previous_end = spawn.at("ts").get<double>();
            for (std::size_t i = 0; i < slices.size(); ++i) {
                const json& slice = slices[i];
                EXPECT_EQ(slice.at("name"), pid == 1 ? counting : failing);
                EXPECT_EQ(slice.at("args").at("tick"), i + 1);
                EXPECT_TRUE(slice.at("args").at("instructions").is_number_unsigned());
                EXPECT_TRUE(slice.at("args").at("preempted").is_boolean());
                const double ts = slice.at("ts").get<double>();
                const double dur = slice.at("dur").get<double>();
                EXPECT_GE(ts, previous_end) << slice;
                EXPECT_GE(dur, 0.0);
                EXPECT_LT(dur, 60e6) << "a slice of a minute is implausible";
                previous_end = ts + dur;
            }
            EXPECT_GE(exit.at("ts").get<double>(), previous_end);
            EXPECT_EQ(exit.at("args").at("tick"), slices.size());
        }
        // count_a.lua spans many slices, preempted in all but its last.
        const std::vector<json>& counted = trace.slices[{trace_pid, 1}];
        EXPECT_GT(counted.size(), 3u);
        EXPECT_TRUE(counted.front().at("args").at("preempted").get<bool>());
        EXPECT_FALSE(counted.back().at("args").at("preempted").get<bool>());
        EXPECT_EQ((trace.exits[{trace_pid, 1}][0].at("args").at("status")), "finished");
        EXPECT_FALSE((trace.exits[{trace_pid, 1}][0].at("args").contains("error")));

        const json& failed = trace.exits[{trace_pid, 2}][0].at("args");
        EXPECT_EQ(failed.at("status"), "failed");
        EXPECT_NE(failed.at("error").get<std::string>().find("boom"), std::string::npos) << failed;
    }
}

TEST_F(TraceFile, PlainModeWritesTheTraceToo) {
    const std::string path = dir_ + "/plain.json";
    CliResult result = run_luaos({"run", "--trace", path, script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "hello\nworld\n");
    Trace trace = parse_trace(read_file(path));
    EXPECT_EQ((trace.thread_names[{1, 1}]), script("hello.lua"));
    EXPECT_EQ((trace.slices[{1, 1}].size()), 1u);
    EXPECT_EQ((trace.exits[{1, 1}].size()), 1u);
}

TEST_F(TraceFile, UnopenableFileIsBadUsageAndNothingRuns) {
    const std::string path = dir_ + "/no/such/dir/t.json";
    CliResult result = run_luaos({"run", "--trace", path, script("hello.lua")});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "") << "hello.lua must not run";
    EXPECT_NE(result.err.find("luaos: --trace: cannot open " + path), std::string::npos) << result.err;
}

// /dev/full opens, then refuses every write: the run happens, and says so.
TEST_F(TraceFile, UnwritableFileFailsTheRunAfterwards) {
    if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this system";
    CliResult result = run_luaos({"run", "--trace", "/dev/full", script("hello.lua")});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "hello\nworld\n");
    EXPECT_NE(result.err.find("luaos: cannot write --trace file /dev/full"), std::string::npos) << result.err;
}

TEST_F(TraceFile, MissingValueIsBadUsage) {
    CliResult result = run_luaos({"run", script("hello.lua"), "--trace"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("--trace"), std::string::npos) << result.err;
}

// TraceWriter on a real Cluster, with a cap small enough to reach.
struct DirectRun {
    std::string text;
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;
};

DirectRun trace_directly(std::size_t max_events, const std::vector<std::pair<std::string, std::string>>& scripts) {
    std::ostringstream out;
    cli::TraceWriter writer(out, max_events);
    Cluster cluster;
    cluster.set_observer(&writer);
    Os& os = cluster.create_vm().os();
    for (const auto& [code, name] : scripts) os.spawn_process(code, name);
    RunOptions options;
    options.max_ticks = 200;
    options.after_tick = [&] { writer.after_tick(cluster.ticks()); };
    cluster.run(options);
    EXPECT_TRUE(writer.finish());
    return {out.str(), writer.events_written(), writer.events_dropped()};
}

TEST(TraceWriter, PastTheCapSlicesAreDroppedButExitsKept) {
    constexpr std::size_t kCap = 20;
    // Each runs a slice a tick for about 30 ticks, then one ends and one fails.
    DirectRun run = trace_directly(
        kCap, {{"for i = 1, 30 do coroutine.yield() end", "yielder"},
               {"for i = 1, 30 do coroutine.yield() end error('late failure')", "failer"},
               {"coroutine.yield() coroutine.yield()", "third"}});
    Trace trace = parse_trace(run.text);
    const json& other = trace.document.at("otherData");
    EXPECT_EQ(other.at("max_events"), kCap);
    EXPECT_GT(run.dropped, 40u);
    EXPECT_EQ(other.at("dropped_events"), run.dropped);
    EXPECT_EQ(other.at("events"), run.written);
    EXPECT_EQ(trace.document.at("traceEvents").size(), run.written);
    // The cap plus the exits written past it.
    EXPECT_LE(run.written, kCap + 3);

    // Every process still ends in the trace, with its name and its error.
    for (int pid : {1, 2, 3}) {
        EXPECT_EQ((trace.exits[{1, pid}].size()), 1u) << pid;
        EXPECT_FALSE((trace.thread_names[{1, pid}].empty())) << pid;
    }
    EXPECT_EQ((trace.exits[{1, 1}][0].at("args").at("status")), "finished");
    const json& failed = trace.exits[{1, 2}][0].at("args");
    EXPECT_EQ(failed.at("status"), "failed");
    EXPECT_NE(failed.at("error").get<std::string>().find("late failure"), std::string::npos);
    EXPECT_EQ(failed.at("tick"), 31);
    // Slices stopped early: far fewer than the 60-odd that ran.
    std::size_t slices = 0;
    for (const auto& [thread, events] : trace.slices) slices += events.size();
    EXPECT_LT(slices, kCap);
    EXPECT_GT(slices, 0u);
}

TEST(TraceWriter, UncappedRunDropsNothing) {
    DirectRun run = trace_directly(cli::TraceWriter::kDefaultMaxEvents, {{"coroutine.yield()", "short"}});
    Trace trace = parse_trace(run.text);
    EXPECT_EQ(run.dropped, 0u);
    EXPECT_EQ(trace.document.at("otherData").at("dropped_events"), 0);
    EXPECT_EQ((trace.slices[{1, 1}].size()), 2u);
    EXPECT_EQ(trace.document.at("otherData").at("ticks"), 2);
}

TEST(TraceWriter, NamesAndErrorsOfAnyBytesStayValidJson) {
    const std::string name = "bad\xff name \"quoted\" \\ <tag>";
    DirectRun run = trace_directly(100, {{"error('\\255\\254 \"oops\"\\n')", name}});
    Trace trace = parse_trace(run.text);  // throws on invalid UTF-8
    const std::string written = trace.thread_names[{1, 1}];
    EXPECT_EQ(written, "bad\xef\xbf\xbd name \"quoted\" \\ <tag>");
    const json& failed = trace.exits[{1, 1}][0].at("args");
    EXPECT_NE(failed.at("error").get<std::string>().find("\"oops\""), std::string::npos) << failed;
}

}  // namespace
}  // namespace luaos::cli_test
