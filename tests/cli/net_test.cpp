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

// --net-limit sets a limit of NetLimits by its name: one listener per
// process refuses the second; without the flag both open.
TEST(Net, NetLimitFlagChangesTheLimit) {
    CliResult defaults = run_luaos({"run", script("net_listeners.lua")});
    ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
    EXPECT_NE(defaults.out.find("second\ttrue\tnil\n"), std::string::npos) << defaults.out;

    CliResult limited = run_luaos({"run", "--net-limit", "listeners_per_process=1", script("net_listeners.lua")});
    ASSERT_EQ(limited.exit_code, 0) << limited.err;
    EXPECT_NE(limited.out.find("first\ttrue\tnil\n"), std::string::npos) << limited.out;
    EXPECT_NE(limited.out.find("second\tfalse\ttoo many listeners\n"), std::string::npos) << limited.out;
}

// One VM may hold a share of another's connection table (25% by default):
// of a listening process's 8, two; with source_share_percent=50, four.
TEST(Net, NetLimitFlagSetsTheSourceShare) {
    CliResult defaults =
        run_luaos({"run", "--vms", "2", "--net-limit", "connections_per_process=8", script("net_source_share.lua")});
    ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
    EXPECT_EQ(defaults.out, "held\t2\trefused\n");

    CliResult half = run_luaos({"run", "--vms", "2", "--net-limit", "connections_per_process=8", "--net-limit",
                                "source_share_percent=50", script("net_source_share.lua")});
    ASSERT_EQ(half.exit_code, 0) << half.err;
    EXPECT_EQ(half.out, "held\t4\trefused\n");
}

// A byte limit takes a SIZE: with datagram_bytes=2K, 2048 bytes go and 2049 are too large.
TEST(Net, NetLimitFlagTakesASizeForBytes) {
    CliResult result = run_luaos({"run", "--net-limit", "datagram_bytes=2K", script("net_datagram_size.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("2048\tok\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("2049\tnet.send: datagram too large"), std::string::npos) << result.out;
}

std::string example(const std::string& name) { return std::string(LUAOS_EXAMPLES_DIR) + "/net/" + name; }

// examples/net: a web server on VM 0 and browsers on the others, each
// fetching a page and a missing one; then the server runs out of requests.
TEST(Net, TheWebServerExampleServesTheClientVms) {
    CliResult result = run_luaos({"run", "--vms", "3", "--threads", "2", example("web_server.lua"),
                                  example("web_client.lua")});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    for (const char* client : {"10.0.0.2", "10.0.0.3"}) {
        const std::string page = std::string(client) + " GET / -> 200 <h1>luaos</h1><p>Welcome to 10.0.0.1.</p>\n";
        const std::string missing = std::string(client) + " GET /missing -> 404 <h1>404 Not Found</h1>\n";
        EXPECT_NE(result.out.find(page), std::string::npos) << result.out;
        EXPECT_NE(result.out.find(missing), std::string::npos) << result.out;
    }
    EXPECT_NE(result.out.find("web server: served 4 requests\n"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace luaos::cli_test
