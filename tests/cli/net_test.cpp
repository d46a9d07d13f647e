// `luaos run` puts its VMs on a network: VM i has the address 10.0.0.1 + i.

#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace luaos::cli_test {
namespace {

TEST(Net, RunGivesEachVmTheNextAddress) {
    CliResult result = run_luaos({"run", "--vms", "3", "--threads", "2", script("net_address.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("10.0.0.1\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("10.0.0.2\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("10.0.0.3\n"), std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("10.0.0.4"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace luaos::cli_test
