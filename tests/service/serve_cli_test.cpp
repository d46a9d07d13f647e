// `luaos serve` as an operator runs it: bad usage, then a node that answers,
// streams, and stops cleanly on SIGTERM.

#include <gtest/gtest.h>

#include <csignal>

#include "cli/cli_runner.hpp"
#include "game_client.hpp"
#include "nats_client.hpp"
#include "nats_server.hpp"

namespace luaos::service_test {
namespace {

using cli_test::CliResult;
using cli_test::CliSession;
using cli_test::run_luaos;

struct BadServeUsage {
    std::vector<std::string> options;
    std::string message;
};

void PrintTo(const BadServeUsage& usage, std::ostream* out) {
    for (const std::string& option : usage.options) *out << option << ' ';
}

class BadServeUsageTest : public testing::TestWithParam<BadServeUsage> {};

TEST_P(BadServeUsageTest, ExitsTwoWithoutServing) {
    std::vector<std::string> args = {"serve"};
    args.insert(args.end(), GetParam().options.begin(), GetParam().options.end());
    CliResult result = run_luaos(args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(GetParam().message), std::string::npos) << result.err;
}

INSTANTIATE_TEST_SUITE_P(
    Options, BadServeUsageTest,
    testing::Values(BadServeUsage{{}, "--nats"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--node", "a.b"}, "--node expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--node", ""}, "--node expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--node", "any"}, "other than 'any', 'vm' and 'net'"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--node", "vm"}, "other than 'any', 'vm' and 'net'"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--node", "net"}, "other than 'any', 'vm' and 'net'"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--heartbeat-ms", "5"}, "--heartbeat-ms expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--store", ""}, "--store expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--tps", "0"}, "--tps expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--max-vms", "0"}, "--max-vms expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--max-request-bytes", "lots"},
                                  "--max-request-bytes expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--max-queued", "0"}, "--max-queued expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--event-output", "0"}, "--event-output expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--net-datagram-queue", "0"},
                                  "--net-datagram-queue expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--call-timeout", "0"}, "--call-timeout expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--call-timeout", "soon"}, "--call-timeout expects"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--quantum", "10", "--slice-us", "100"},
                                  "choose different preemption modes"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--bogus"}, "--bogus"},
                    BadServeUsage{{"--nats", "nats://127.0.0.1:1", "--", "x"}, "no arguments after --"}));

TEST(Serve, HelpNamesTheSubjectsAndEveryOption) {
    CliResult result = run_luaos({"serve", "--help"});
    EXPECT_EQ(result.exit_code, 0);
    for (const char* option : {"--nats", "--node", "--tps", "--quantum", "--slice-us", "--memory-limit", "--threads",
                               "--shard-vms", "--max-vms", "--max-request-bytes", "--max-queued", "--event-output",
                               "--net-datagram-queue", "--call-timeout", "--heartbeat-ms", "--store"}) {
        EXPECT_NE(result.out.find(std::string("  ") + option + " "), std::string::npos) << option;
    }
    EXPECT_NE(result.out.find("luaos.NODE.>"), std::string::npos) << result.out;
}

TEST(Serve, AnUnreachableBrokerExitsOne) {
    CliResult result =
        run_luaos({"serve", "--nats", "nats://127.0.0.1:" + std::to_string(NatsServer::free_port()), "--node", "x"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("cannot connect to NATS"), std::string::npos) << result.err;
}

TEST(Serve, AnswersStreamsAndStopsCleanlyOnSigterm) {
    NatsServer server;
    NatsClient client(server.url());
    auto node_events = client.watch("luaos.cli1.events");
    auto vm_events = client.watch("luaos.cli1.vm.*.events");
    CliSession serve({"serve", "--nats", server.url(), "--node", "cli1", "--threads", "1"});
    ASSERT_TRUE(serve.wait_for("answers luaos.cli1.>", /*in_err=*/true)) << serve.err();

    const Json program = {{"name", "hi"}, {"code", "print('hi from ' .. arg[1]) io.read()"}};
    Json created = client.request("luaos.cli1.vm.create",
                                  Json{{"programs", {program}}, {"boot", {{{"program", "hi"}, {"args", {"serve"}}}}}});
    ASSERT_TRUE(ok(created)) << created.dump();
    Json output = vm_events->wait_for([](const Json& e) { return e.value("event", "") == "output"; });
    ASSERT_FALSE(output.is_null());
    EXPECT_EQ(output["data"], "hi from serve\n");

    serve.signal(SIGTERM);
    CliResult result = serve.finish();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.err.find("stopped"), std::string::npos) << result.err;
    Json exit = vm_events->wait_for([](const Json& e) { return e.value("event", "") == "exit"; });
    ASSERT_FALSE(exit.is_null());
    EXPECT_EQ(exit["error"], "the node is shutting down");
    Json stopped = node_events->wait_for([](const Json& e) { return e.value("event", "") == "stopped"; });
    ASSERT_FALSE(stopped.is_null());
    EXPECT_EQ(stopped["vms_stopped"], 1);
}

TEST(Serve, CallTimeoutSetsHowLongAHostCallWaitsForTheGame) {
    NatsServer server;
    NatsClient client(server.url());
    GameClient silent_game(server.url(), "luaos.cli2.call.>");
    auto vm_events = client.watch("luaos.cli2.vm.*.events");
    CliSession serve({"serve", "--nats", server.url(), "--node", "cli2", "--threads", "1", "--call-timeout", "50"});
    ASSERT_TRUE(serve.wait_for("answers luaos.cli2.>", /*in_err=*/true)) << serve.err();

    const Json program = {{"name", "ask"}, {"code", "print(pcall(game.price, 'ore'))"}};
    const Json library = {{"name", "game"}, {"functions", {"price"}}};
    Json created = client.request("luaos.cli2.vm.create", Json{{"programs", {program}},
                                                               {"libraries", {library}},
                                                               {"boot", {{{"program", "ask"}}}}});
    ASSERT_TRUE(ok(created)) << created.dump();
    ASSERT_FALSE(silent_game.next().subject.empty());
    Json output = vm_events->wait_for([](const Json& e) { return e.value("event", "") == "output"; });
    EXPECT_EQ(output["data"], "false\tgame.price: no reply from the game within 50 ms (luaos.cli2.call.game.price)\n")
        << output.dump();
    serve.signal(SIGTERM);
    EXPECT_EQ(serve.finish().exit_code, 0);
}

}  // namespace
}  // namespace luaos::service_test
