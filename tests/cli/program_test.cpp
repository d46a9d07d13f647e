// `luaos run --program NAME=FILE`: programs installed on every VM, for
// os.spawn; and the example shell (examples/shell/) driven the way a player
// would drive it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

std::string example(const std::string& name) { return std::string(LUAOS_EXAMPLES_DIR) + "/shell/" + name; }

TEST(Program, InstalledOnEveryVm) {
    CliResult result = run_luaos({"run", "--json", "--vms", "2", "--program", "echo=" + example("echo.lua"),
                                  script("spawn_echo.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    nlohmann::json report = nlohmann::json::parse(result.out);
    ASSERT_EQ(report["vms"].size(), 2u);
    for (const auto& vm : report["vms"]) {
        ASSERT_EQ(vm["processes"].size(), 2u);
        // The program's output is part of its parent's, as a shell shows it.
        EXPECT_EQ(vm["processes"][0]["stdout"], "HI THERE\necho exited with 0\n");
        EXPECT_EQ(vm["processes"][1]["stdout"], "");
    }
}

TEST(Program, ALuauFileIsALuauProgram) {
    CliResult result = run_luaos({"run", "--program", "typed=" + script("typed_echo.luau"), script("spawn_typed.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "2: a b\nexit 0\n");
}

TEST(Program, SpawningAMissingProgramIsTheScriptsBusiness) {
    CliResult result = run_luaos({"run", script("spawn_echo.lua")});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("no program named 'echo'"), std::string::npos) << result.err;
}

TEST(Program, ExampleShellRunsProgramsLikeAPlayer) {
    CliResult result = run_luaos({"run", "--program", "shell=" + example("shell.lua"), "--program",
                                  "echo=" + example("echo.lua"), "--program", "count=" + example("count.lua"),
                                  example("session.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out,
              "$ echo hello \"big world\"\nhello big world\n"
              "$ echo quiet upper=yes\nQUIET\n"
              "$ count 3\n1\n2\n3\n"
              "$ count lots\ncount: not a number: lots\nshell: count exited with 3\n"
              "$ count 2 every=5 &\n[7] started\n"
              "$ nosuch program\nshell: no program named 'nosuch'\n"
              "$ echo 'unbalanced\nshell: unterminated quote at character 6\n"
              "$ jobs\n7: running\n"
              "$ exit 0\nshell exited with 0\n"
              "1\n2\n");
    EXPECT_EQ(result.err, "");
}

}  // namespace
}  // namespace luaos::cli_test
