// `luaos --version` and the report's "version": both the project's version,
// which CMake's project(VERSION) alone sets (it is handed to this test as
// LUAOS_PROJECT_VERSION, and to the installed CMake package).

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

const std::string kVersionLine = std::string("luaos ") + LUAOS_PROJECT_VERSION + "\n";

TEST(Version, TopLevelFlagPrintsTheVersionAndExitsZero) {
    CliResult result = run_luaos({"--version"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, kVersionLine);
    EXPECT_EQ(result.err, "");
}

// The contract lists --version among run's options: it needs no FILE there.
TEST(Version, RunFlagPrintsTheVersionWithoutRunningAnything) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"run", "--version"}, {"run", "--version", script("hello.lua")}}) {
        CliResult result = run_luaos(args);
        EXPECT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(result.out, kVersionLine) << "hello.lua must not run";
        EXPECT_EQ(result.err, "");
    }
}

TEST(Version, JsonReportNamesTheVersion) {
    CliResult result = run_luaos({"run", "--json", script("hello.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    nlohmann::json report = nlohmann::json::parse(result.out);
    EXPECT_EQ(report["version"], LUAOS_PROJECT_VERSION);
}

TEST(Version, HelpMentionsTheFlag) {
    CliResult result = run_luaos({"--help"});
    EXPECT_NE(result.out.find("--version"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace luaos::cli_test
