// `luaos run` and the VMs' files: the per-VM limits given on the command line.

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

TEST(Files, QuotaFromTheCommandLine) {
    CliResult result = run_luaos({"run", "--fs-quota", "4K", script("fill_files.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "5\tquota full\n");
}

TEST(Files, FileCountFromTheCommandLine) {
    CliResult result = run_luaos({"run", "--fs-files", "3", script("fill_files.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "4\ttoo many files\n");
}

TEST(Files, DefaultsLeaveRoomForTheScript) {
    CliResult result = run_luaos({"run", script("fill_files.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "never refused\n");
}

TEST(Files, BadLimitsAreUsageErrors) {
    CliResult quota = run_luaos({"run", "--fs-quota", "lots", script("fill_files.lua")});
    EXPECT_EQ(quota.exit_code, 2);
    EXPECT_NE(quota.err.find("--fs-quota expects a size"), std::string::npos) << quota.err;
    CliResult files = run_luaos({"run", "--fs-files", "-1", script("fill_files.lua")});
    EXPECT_EQ(files.exit_code, 2);
    EXPECT_NE(files.err.find("--fs-files expects an integer"), std::string::npos) << files.err;
}

}  // namespace
}  // namespace luaos::cli_test
