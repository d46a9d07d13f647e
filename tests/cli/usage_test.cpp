// Bad usage exits 2 with a message on stderr and runs nothing; --help tells
// the truth about every option.

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

struct BadUsage {
    std::vector<std::string> options;  // placed between "run" and hello.lua
    std::string message;               // expected somewhere on stderr
};

void PrintTo(const BadUsage& usage, std::ostream* out) {
    for (const std::string& option : usage.options) *out << option << ' ';
}

class BadUsageTest : public testing::TestWithParam<BadUsage> {};

TEST_P(BadUsageTest, ExitsTwoWithoutRunning) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), GetParam().options.begin(), GetParam().options.end());
    args.push_back(script("hello.lua"));  // prints, if it ever ran
    CliResult result = run_luaos(args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err.rfind("luaos: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(GetParam().message), std::string::npos) << result.err;
}

INSTANTIATE_TEST_SUITE_P(
    Options, BadUsageTest,
    testing::Values(BadUsage{{"--bogus"}, "--bogus"},
                    BadUsage{{"--ticks", "-1"}, "--ticks expects"},
                    BadUsage{{"--ticks", "0"}, "--ticks expects"},
                    BadUsage{{"--ticks", "abc"}, "--ticks expects"},
                    BadUsage{{"--ticks", "5x"}, "--ticks expects"},
                    BadUsage{{"--vms", "abc"}, "--vms expects"},
                    BadUsage{{"--vms", "0"}, "--vms expects"},
                    BadUsage{{"--quantum", "0"}, "--quantum expects"},
                    BadUsage{{"--quantum", "2147483648"}, "--quantum expects"},
                    BadUsage{{"--slice-us", "49"}, "--slice-us expects an integer from 50"},
                    BadUsage{{"--slice-us", "soon"}, "--slice-us expects"},
                    BadUsage{{"--quantum", "100", "--slice-us", "100"}, "choose different preemption modes"},
                    BadUsage{{"--threads", "0"}, "--threads expects"},
                    BadUsage{{"--threads", "100000"}, "--threads expects"},
                    BadUsage{{"--shard-vms", "0"}, "--shard-vms expects"},
                    BadUsage{{"--shard-vms", "many"}, "--shard-vms expects"},
                    BadUsage{{"--tps", "0"}, "--tps expects"},
                    BadUsage{{"--tps", "fast"}, "--tps expects"},
                    BadUsage{{"--memory-limit", "lots"}, "--memory-limit expects"},
                    BadUsage{{"--dialect", "python"}, "--dialect expects"},
                    BadUsage{{"--program", "nameonly"}, "--program expects"},
                    BadUsage{{"--memory-limit", "0"}, "--memory-limit expects"},
                    BadUsage{{"--dialect", "Luau"}, "--dialect expects luau or lua"},
                    BadUsage{{"--dialect", ""}, "--dialect expects"},
                    BadUsage{{"--trace", ""}, "--trace expects a file name"},
                    BadUsage{{"--timeline", ""}, "--timeline expects a file name"},
                    BadUsage{{"--trace", "same", "--timeline", "same"}, "cannot both write same"},
                    BadUsage{{"--program", "=b.lua"}, "--program expects NAME=FILE"},
                    BadUsage{{"--program", "a="}, "--program expects NAME=FILE"},
                    BadUsage{{"--program", "a=/no/such/program.lua"}, "cannot read /no/such/program.lua"},
                    BadUsage{{"--program", "a=/", "--json"}, "cannot read /"},
                    BadUsage{{"--program", "a=x.lua", "--program", "a=y.lua"}, "--program a is given twice"},
                    BadUsage{{"--net-limit", "connections_per_vm"}, "--net-limit expects NAME=VALUE"},
                    BadUsage{{"--net-limit", "=5"}, "--net-limit expects NAME=VALUE"},
                    BadUsage{{"--net-limit", "sockets=5"}, "no network limit is named 'sockets'"},
                    BadUsage{{"--net-limit", "connections_per_vm=0"}, "--net-limit connections_per_vm expects"},
                    BadUsage{{"--net-limit", "connections_per_vm=many"}, "--net-limit connections_per_vm expects"},
                    BadUsage{{"--net-limit", "datagrams_per_tick=1K"}, "--net-limit datagrams_per_tick expects"},
                    BadUsage{{"--net-limit", "listeners_per_vm=4294967296"}, "--net-limit listeners_per_vm expects"},
                    BadUsage{{"--net-limit", "connection_bytes="}, "--net-limit connection_bytes expects a size"},
                    BadUsage{{"--net-limit", "source_share_percent=0"},
                             "--net-limit source_share_percent expects an integer from 1 to 100, got '0'"},
                    BadUsage{{"--net-limit", "source_share_percent=101"},
                             "--net-limit source_share_percent expects an integer from 1 to 100, got '101'"},
                    BadUsage{{"--net-limit", "source_share_percent=25%"},
                             "--net-limit source_share_percent expects an integer from 1 to 100"},
                    BadUsage{{"--net-limit", "vm_sent_bytes=lots"}, "--net-limit vm_sent_bytes expects a size"}));

// A shard reserves room for its VMs up front, but not for more than it can
// ever need: a huge --shard-vms must not exhaust memory.
TEST(Usage, ShardVmsTakesAnyPositiveCount) {
    for (const char* shard_vms : {"1", "18446744073709551615"}) {
        CliResult result = run_luaos({"run", "--shard-vms", shard_vms, "--vms", "3", script("hello.lua")});
        EXPECT_EQ(result.exit_code, 0) << shard_vms << ": " << result.err;
        EXPECT_EQ(result.err, "");
    }
}

TEST(Usage, MissingOptionValueIsBadUsage) {
    CliResult result = run_luaos({"run", script("hello.lua"), "--ticks"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("--ticks"), std::string::npos) << result.err;
}

TEST(Usage, MissingFileIsBadUsage) {
    std::string missing = script("no_such_script.lua");
    CliResult result = run_luaos({"run", script("hello.lua"), missing});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "") << "hello.lua must not run either";
    EXPECT_NE(result.err.find("cannot read " + missing), std::string::npos) << result.err;
}

TEST(Usage, DirectoryIsBadUsage) {
    CliResult result = run_luaos({"run", script("hello.lua"), scripts_dir()});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("cannot read " + scripts_dir()), std::string::npos) << result.err;
}

TEST(Usage, NoFileIsBadUsage) {
    CliResult result = run_luaos({"run", "--json"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("FILE"), std::string::npos) << result.err;
}

TEST(Usage, NoSubcommandPrintsUsageAndExitsTwo) {
    CliResult result = run_luaos({});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("Usage:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("run"), std::string::npos) << result.err;
}

const std::vector<std::string> kSupportedOptions = {
    "--vms",      "--ticks", "--quantum", "--slice-us",     "--json",    "--tps",     "--threads",
    "--shard-vms", "--trace", "--timeline", "--top", "--memory-limit", "--dialect", "--program", "--stdin",
    "--version",  "--store", "--fs-quota", "--fs-files", "--net-limit"};
const std::vector<std::string> kPendingOptions = {};

// The help line that documents `option`, or "" when there is none.
std::string help_line(const std::string& help, const std::string& option) {
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("  " + option + " ") != std::string::npos) return line;
    }
    return "";
}

void expect_help_tells_the_truth(const CliResult& result) {
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.err, "");
    for (const std::string& option : kSupportedOptions) {
        std::string line = help_line(result.out, option);
        EXPECT_NE(line, "") << option << " missing from:\n" << result.out;
        EXPECT_EQ(line.find("not supported"), std::string::npos) << line;
    }
    for (const std::string& option : kPendingOptions) {
        std::string line = help_line(result.out, option);
        EXPECT_NE(line.find("(not supported yet)"), std::string::npos) << option << ": '" << line << "'";
    }
}

TEST(Usage, RunHelpListsEveryOption) {
    CliResult result = run_luaos({"run", "--help"});
    expect_help_tells_the_truth(result);
    EXPECT_NE(result.out.find("Usage: luaos run"), std::string::npos) << result.out;
}

TEST(Usage, TopLevelHelpListsEveryOption) {
    expect_help_tells_the_truth(run_luaos({"--help"}));
}

TEST(Usage, HelpShowsTheScriptsArgumentsAndTheInterruptedStatuses) {
    CliResult result = run_luaos({"run", "--help"});
    EXPECT_NE(result.out.find("Usage: luaos run [OPTIONS] FILE... [-- ARG...]"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("130 or 143"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("\n       luaos run [OPTIONS] --store FILE [FILE...] [-- ARG...]\n"), std::string::npos)
        << result.out;
}

// The options README.md's table documents, by name.
std::set<std::string> readme_options() {
    std::ifstream in(std::string(LUAOS_SOURCE_DIR) + "/README.md");
    std::set<std::string> options;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| `--", 0) != 0) continue;
        std::size_t end = line.find_first_of(" `", 3);
        options.insert(line.substr(3, end - 3));
    }
    return options;
}

// README.md and --help document the same options: those the CLI has.
TEST(Usage, ReadmeDocumentsExactlyTheOptionsOfHelp) {
    std::set<std::string> documented = readme_options();
    documented.erase("--");  // `-- ARG...`: the help's footer tells it
    std::set<std::string> expected(kSupportedOptions.begin(), kSupportedOptions.end());
    EXPECT_EQ(documented, expected);
}

}  // namespace
}  // namespace luaos::cli_test
