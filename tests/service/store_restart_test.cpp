// A node restarted on its store (`luaos serve --store FILE`) boots its VMs
// again: their programs, boot lists and files are kept; destroyed VMs are not.

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <string>

#include "cli/cli_runner.hpp"
#include "luaos/file_store.hpp"
#include "nats_client.hpp"
#include "nats_server.hpp"
#include "running_node.hpp"
#include "support/scratch_store.hpp"

namespace luaos::service_test {
namespace {

// Counts its runs in a file of its VM, then waits for a line.
const Json kCounter = {{"name", "counter"},
                       {"code", "local runs = 0\n"
                                "local f = fs.open('/runs')\n"
                                "if f then runs = tonumber(f:read('a')) f:close() end\n"
                                "runs = runs + 1\n"
                                "f = assert(fs.open('/runs', 'w')) f:write(runs) assert(f:close())\n"
                                "print(arg[1] .. ' run ' .. runs)\n"
                                "io.read()"}};
const Json kLuauHello = {{"name", "hello"}, {"dialect", "luau"}, {"code", "local n: number = 1 print('hello ' .. n)"}};

bool output_is(const Json& event, const std::string& data) {
    return event.value("event", "") == "output" && event.value("data", "") == data;
}

class StoreRestartTest : public testing::Test {
protected:
    // A node named s1 on the store.
    std::unique_ptr<RunningNode> start() {
        service::NodeOptions options = test_node_options(server.url(), "s1");
        options.cluster.store = open_sqlite_store(store_path);
        return std::make_unique<RunningNode>(std::move(options));
    }

    NatsServer server;
    NatsClient client{server.url()};
    std::string store_path = test::scratch_store("service", "nodes.db");
};

TEST_F(StoreRestartTest, ARestartedNodeBootsItsKeptVmsAgainWithTheirFiles) {
    auto events = client.watch("luaos.s1.vm.*.events");
    auto node = start();
    const Json body = {{"programs", {kCounter, kLuauHello}},
                       {"boot", {{{"program", "counter"}, {"args", {"kept"}}}}}};
    Json kept = client.request("luaos.s1.vm.create", body);
    ASSERT_TRUE(ok(kept)) << kept.dump();
    Json doomed = client.request("luaos.s1.vm.create", Json{{"programs", {kCounter}},
                                                            {"boot", {{{"program", "counter"}, {"args", {"doomed"}}}}}});
    ASSERT_TRUE(ok(doomed)) << doomed.dump();
    ASSERT_FALSE(events->wait_for([](const Json& e) { return output_is(e, "kept run 1\n"); }).is_null());
    ASSERT_FALSE(events->wait_for([](const Json& e) { return output_is(e, "doomed run 1\n"); }).is_null());
    // Destroyed: gone from the store too.
    ASSERT_TRUE(ok(client.request("luaos.s1.vm." + doomed["vm"].get<std::string>() + ".destroy", Json::object())));
    EXPECT_EQ(node->stop().vms_stopped, 1u);
    node.reset();

    auto node_events = client.watch("luaos.s1.events");
    node = start();
    Json started = node_events->wait_for([](const Json& e) { return e.value("event", "") == "started"; });
    ASSERT_FALSE(started.is_null());
    EXPECT_EQ(started["restored"], 1);
    // Booted again, with its arguments, and its file as it left it.
    ASSERT_FALSE(events->wait_for([](const Json& e) { return output_is(e, "kept run 2\n"); }).is_null());
    Json listed = client.request("luaos.s1.vm.list", Json::object());
    ASSERT_TRUE(ok(listed)) << listed.dump();
    ASSERT_EQ(listed["vms"].size(), 1u);
    const std::string vm = listed["vms"][0]["vm"];
    const std::string uuid = listed["vms"][0]["uuid"];
    EXPECT_NE(uuid, kept["uuid"]);  // a new boot of the kept computer
    // Its programs are installed again (a Luau one under its own name), and
    // it answers on its shared subject.
    Json spawned = client.request("luaos.vm." + uuid + ".spawn", Json{{"program", "hello"}});
    ASSERT_TRUE(ok(spawned)) << spawned.dump();
    EXPECT_FALSE(events->wait_for([](const Json& e) { return output_is(e, "hello 1\n"); }).is_null());
    for (const Json& event : events->seen()) EXPECT_FALSE(output_is(event, "doomed run 2\n"));
    node->stop();
}

TEST_F(StoreRestartTest, ANodeKilledOutrightBootsItsVmsAgainOnItsStore) {
    auto events = client.watch("luaos.k1.vm.*.events");
    const std::vector<std::string> serve = {"serve", "--nats", server.url(), "--node", "k1", "--threads", "1",
                                            "--store", store_path};
    {
        cli_test::CliSession doomed(serve);
        ASSERT_TRUE(doomed.wait_for("answers luaos.k1.>", /*in_err=*/true)) << doomed.err();
        Json created = client.request("luaos.k1.vm.create", Json{{"programs", {kCounter}},
                                                                 {"boot", {{{"program", "counter"}, {"args", {"k"}}}}}});
        ASSERT_TRUE(ok(created)) << created.dump();
        // Its output is published after the tick that committed it.
        ASSERT_FALSE(events->wait_for([](const Json& e) { return output_is(e, "k run 1\n"); }).is_null());
        doomed.signal(SIGKILL);
        EXPECT_NE(doomed.finish().exit_code, 0);
    }
    auto node_events = client.watch("luaos.k1.events");
    cli_test::CliSession again(serve);
    ASSERT_TRUE(again.wait_for("answers luaos.k1.>", /*in_err=*/true)) << again.err();
    Json started = node_events->wait_for([](const Json& e) { return e.value("event", "") == "started"; });
    ASSERT_FALSE(started.is_null());
    EXPECT_EQ(started["restored"], 1);
    EXPECT_FALSE(events->wait_for([](const Json& e) { return output_is(e, "k run 2\n"); }).is_null());
    again.signal(SIGTERM);
    EXPECT_EQ(again.finish().exit_code, 0);
}

TEST(ServeStore, AStoreThatCannotBeOpenedExitsOne) {
    NatsServer server;
    cli_test::CliResult result = cli_test::run_luaos(
        {"serve", "--nats", server.url(), "--node", "x", "--store", "/nonexistent-luaos-dir/nodes.db"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("luaos: "), std::string::npos) << result.err;
}

TEST_F(StoreRestartTest, AVmThatFinishedIsNotKept) {
    auto events = client.watch("luaos.s1.vm.*.events");
    auto node = start();
    const Json once = {{"name", "once"}, {"code", "print('once')"}};
    Json created = client.request("luaos.s1.vm.create",
                                  Json{{"programs", {once}}, {"boot", {{{"program", "once"}}}}, {"keep", false}});
    ASSERT_TRUE(ok(created)) << created.dump();
    Json removed = events->wait_for([](const Json& e) { return e.value("event", "") == "vm_removed"; });
    ASSERT_FALSE(removed.is_null());
    EXPECT_EQ(removed["reason"], "finished");
    node->stop();
    node.reset();
    EXPECT_TRUE(open_sqlite_store(store_path)->vms().empty());
}

TEST_F(StoreRestartTest, AProgramNameThatCannotBeAFileIsRefusedWithAStore) {
    auto node = start();
    for (const Json& program : {Json{{"name", "a/b"}, {"code", "print(1)"}}, Json{{"name", ".."}, {"code", "print(1)"}},
                                Json{{"name", "x.luau"}, {"code", "print(1)"}},
                                Json{{"name", std::string(201, 'n')}, {"code", "print(1)"}}}) {
        Json reply = client.request("luaos.s1.vm.create", Json{{"programs", {program}}});
        EXPECT_EQ(reply["error"]["code"], "bad_request") << reply.dump();
    }
    Json listed = client.request("luaos.s1.vm.list", Json::object());
    EXPECT_TRUE(listed["vms"].empty()) << listed.dump();
    node->stop();
    node.reset();
    EXPECT_TRUE(open_sqlite_store(store_path)->vms().empty());
}

}  // namespace
}  // namespace luaos::service_test
