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
