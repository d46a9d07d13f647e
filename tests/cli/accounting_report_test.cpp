// `luaos run --json`: what each process, VM and tick cost.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

using nlohmann::json;

json report_of(const std::vector<std::string>& args, int expected_exit = 0) {
    CliResult result = run_luaos(args);
    EXPECT_EQ(result.exit_code, expected_exit) << result.err;
    return json::parse(result.out);
}

std::uint64_t number(const json& object, const char* field) {
    EXPECT_TRUE(object.contains(field)) << field << " missing in " << object;
    EXPECT_TRUE(object[field].is_number_unsigned()) << field << " in " << object;
    return object[field].get<std::uint64_t>();
}

TEST(AccountingReport, EveryProcessAndVmHasItsFigures) {
    json report = report_of({"run", "--json", script("hello.lua")});
    const json& vm = report["vms"][0];
    const json& process = vm["processes"][0];
    ASSERT_TRUE(process["cpu_ms"].is_number());
    for (const char* field : {"instructions", "slices", "preemptions", "ticks_alive", "memory", "memory_peak",
                              "stdout_bytes"}) {
        number(process, field);
    }
    ASSERT_TRUE(vm["stats"].is_object());
    ASSERT_TRUE(vm["stats"]["cpu_ms"].is_number());
    for (const char* field : {"instructions", "slices", "preemptions", "ticks", "stdout_bytes", "processes_spawned",
                              "turns_sat_out", "memory", "memory_peak"}) {
        number(vm["stats"], field);
    }
    EXPECT_EQ(number(vm["stats"], "processes_spawned"), 1u);
    EXPECT_EQ(number(vm["stats"], "ticks"), 1u);
}

TEST(AccountingReport, CpuBoundProcessIsPreemptedEveryQuantum) {
    json report = report_of({"run", "--json", "--quantum", "100", script("count_a.lua")});
    const json& process = report["vms"][0]["processes"][0];
    const std::uint64_t slices = number(process, "slices");
    const std::uint64_t preemptions = number(process, "preemptions");
    EXPECT_GT(slices, 1u);
    EXPECT_GE(preemptions + 1, slices);
    EXPECT_LE(preemptions, slices);
    EXPECT_GE(number(process, "instructions"), preemptions * 100);
    EXPECT_GT(process["cpu_ms"].get<double>(), 0.0);
    // It ran one slice in every tick of its life.
    EXPECT_EQ(number(process, "ticks_alive"), slices);
    EXPECT_EQ(report["ticks"].get<std::uint64_t>(), slices);
}

TEST(AccountingReport, TopLevelYieldsEndSlicesWithoutPreemption) {
    json report = report_of({"run", "--json", script("yield_three_times.lua")});
    const json& process = report["vms"][0]["processes"][0];
    EXPECT_EQ(number(process, "slices"), 4u);
    EXPECT_EQ(number(process, "preemptions"), 0u);
    EXPECT_EQ(number(process, "ticks_alive"), 4u);
}

TEST(AccountingReport, StdoutBytesCountWhatWasPrinted) {
    json report = report_of({"run", "--json", "--quantum", "100", script("hello.lua"), script("count_a.lua")});
    for (const json& process : report["vms"][0]["processes"]) {
        EXPECT_EQ(number(process, "stdout_bytes"), process["stdout"].get<std::string>().size()) << process;
    }
    EXPECT_EQ(number(report["vms"][0]["stats"], "stdout_bytes"), std::string("hello\nworld\nA1\nA2\nA3\nA4\nA5\n").size());
}

TEST(AccountingReport, MemoryHungryProcessPeaksHigher) {
    json report = report_of({"run", "--json", "--quantum", "100000", script("allocate.lua"), script("hello.lua")});
    const json& processes = report["vms"][0]["processes"];
    ASSERT_EQ(processes.size(), 2u);
    const std::uint64_t hungry = number(processes[0], "memory_peak");
    const std::uint64_t idle = number(processes[1], "memory_peak");
    EXPECT_GT(hungry, idle);
    EXPECT_GT(hungry, 1000000u) << "20,000 strings of 100 bytes";
    EXPECT_GE(number(report["vms"][0]["stats"], "memory_peak"), hungry);
}

TEST(AccountingReport, RunningProcessesAreMeasuredAtTheEnd) {
    json report = report_of({"run", "--json", "--ticks", "5", script("forever.lua")}, 3);
    const json& vm = report["vms"][0];
    const json& process = vm["processes"][0];
    EXPECT_EQ(process["status"], "running");
    EXPECT_EQ(number(process, "slices"), 5u);
    EXPECT_EQ(number(process, "ticks_alive"), 5u);
    EXPECT_GT(number(process, "memory"), 0u) << "a live process holds at least its thread";
    EXPECT_EQ(number(vm["stats"], "ticks"), 5u);
    EXPECT_EQ(number(vm["stats"], "slices"), 5u);
}

TEST(AccountingReport, VmFiguresSumTheirProcesses) {
    json report = report_of({"run", "--json", "--vms", "3", "--threads", "2", "--quantum", "100",
                             script("count_a.lua"), script("yield_three_times.lua"), script("hello.lua")});
    ASSERT_EQ(report["vms"].size(), 3u);
    for (const json& vm : report["vms"]) {
        std::uint64_t slices = 0, instructions = 0, preemptions = 0, stdout_bytes = 0;
        for (const json& process : vm["processes"]) {
            slices += number(process, "slices");
            instructions += number(process, "instructions");
            preemptions += number(process, "preemptions");
            stdout_bytes += number(process, "stdout_bytes");
        }
        const json& stats = vm["stats"];
        EXPECT_EQ(number(stats, "slices"), slices);
        EXPECT_EQ(number(stats, "instructions"), instructions);
        EXPECT_EQ(number(stats, "preemptions"), preemptions);
        EXPECT_EQ(number(stats, "stdout_bytes"), stdout_bytes);
        EXPECT_EQ(number(stats, "processes_spawned"), 3u);
        // The VM ticked until its last process, the longest-lived, ended.
        EXPECT_EQ(number(stats, "ticks"), report["ticks"].get<std::uint64_t>());
    }
}

TEST(AccountingReport, TickStatsCoverEveryTickAndNameTheLongestSlice) {
    json report = report_of({"run", "--json", "--vms", "2", "--quantum", "100", "--ticks", "20",
                             script("count_a.lua"), script("forever.lua")},
                            3);
    const json& ticks = report["tick_stats"];
    ASSERT_TRUE(ticks.is_object()) << report;
    EXPECT_EQ(number(ticks, "count"), report["ticks"].get<std::uint64_t>());
    const double total = ticks["wall_ms_total"].get<double>();
    const double max = ticks["wall_ms_max"].get<double>();
    const double mean = ticks["wall_ms_mean"].get<double>();
    EXPECT_GT(total, 0.0);
    EXPECT_LE(max, total);
    EXPECT_LE(mean, max);
    EXPECT_NEAR(mean * 20, total, 1e-6);
    EXPECT_GT(ticks["longest_slice_ms"].get<double>(), 0.0);
    EXPECT_LE(ticks["longest_slice_ms"].get<double>(), max);

    const json& longest = ticks["longest_slice"];
    ASSERT_TRUE(longest.is_object()) << ticks;
    const std::uint64_t vm = number(longest, "vm");
    ASSERT_LT(vm, report["vms"].size());
    const json& processes = report["vms"][vm]["processes"];
    const std::uint64_t pid = number(longest, "pid");
    ASSERT_GE(pid, 1u);
    ASSERT_LE(pid, processes.size());
    const std::string name = longest["name"].get<std::string>();
    EXPECT_EQ(name, pid == 1 ? script("count_a.lua") : script("forever.lua"));
}

}  // namespace
}  // namespace luaos::cli_test
