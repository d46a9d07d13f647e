// A node driven over a real NATS server: every request's round trip, the
// event stream of a VM, and a clean stop.

#include <gtest/gtest.h>

#include <algorithm>

#include "node_fixture.hpp"
#include "service/nats_link.hpp"

namespace luaos::service_test {
namespace {

const Json kIdle = {{"name", "idle"}, {"code", "io.read()"}};

TEST_F(NodeTest, CreateListFindStatusStatsAndDestroyRoundTrip) {
    start();
    Json created = ask("vm.create", {{"programs", {kIdle}}, {"boot", {{{"program", "idle"}}}}});
    ASSERT_TRUE(ok(created)) << created.dump();
    EXPECT_EQ(created["node"], "t1");
    const std::string vm = created["vm"];
    const std::string uuid = created["uuid"];
    ASSERT_FALSE(vm.empty());
    EXPECT_EQ(uuid.size(), 36u);
    ASSERT_EQ(created["boot"].size(), 1u);
    EXPECT_EQ(created["boot"][0]["pid"], 1);

    Json listed = ask("vm.list");
    ASSERT_TRUE(ok(listed)) << listed.dump();
    ASSERT_EQ(listed["vms"].size(), 1u);
    EXPECT_EQ(listed["vms"][0]["vm"], vm);
    EXPECT_EQ(listed["vms"][0]["uuid"], uuid);
    EXPECT_EQ(listed["vms"][0]["processes"], 1);
    EXPECT_EQ(listed["more"], false);

    Json found = ask("vm.find", {{"uuid", uuid}});
    ASSERT_TRUE(ok(found)) << found.dump();
    EXPECT_EQ(found["vm"], vm);

    Json status = ask("vm." + vm + ".status");
    ASSERT_TRUE(ok(status)) << status.dump();
    EXPECT_EQ(status["vm"], vm);
    ASSERT_EQ(status["processes"].size(), 1u);
    EXPECT_EQ(status["processes"][0]["pid"], 1);
    EXPECT_EQ(status["processes"][0]["name"], "idle");

    Json one = ask("vm." + vm + ".status", {{"pid", 1}});
    ASSERT_TRUE(ok(one)) << one.dump();
    EXPECT_TRUE(one["state"] == "running" || one["state"] == "waiting") << one.dump();
    Json gone = ask("vm." + vm + ".status", {{"pid", 9}});
    EXPECT_EQ(gone["state"], "not_found") << gone.dump();

    Json stats = ask("vm." + vm + ".stats");
    ASSERT_TRUE(ok(stats)) << stats.dump();
    EXPECT_EQ(stats["stats"]["processes_spawned"], 1);
    ASSERT_EQ(stats["processes"].size(), 1u);
    EXPECT_EQ(stats["processes"][0]["pid"], 1);

    Json node_stats = ask("stats");
    ASSERT_TRUE(ok(node_stats)) << node_stats.dump();
    EXPECT_EQ(node_stats["node"], "t1");
    EXPECT_EQ(node_stats["vms"], 1);
    EXPECT_EQ(node_stats["processes"], 1);
    EXPECT_GE(node_stats["requests"].get<int>(), 7);

    Json destroyed = ask("vm." + vm + ".destroy");
    ASSERT_TRUE(ok(destroyed)) << destroyed.dump();
    Json after = ask("vm." + vm + ".status");
    EXPECT_FALSE(ok(after));
    EXPECT_EQ(after["error"]["code"], "not_found") << after.dump();
    EXPECT_EQ(ask("vm.list")["vms"].size(), 0u);
    EXPECT_EQ(ask("vm.find", {{"uuid", uuid}})["error"]["code"], "not_found");
}

TEST_F(NodeTest, ListPagesThroughManyVms) {
    options.limits.list_page = 2;
    start();
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(create({{"programs", {kIdle}}, {"boot", {{{"program", "idle"}}}}}));
    std::vector<std::string> listed;
    std::string after;
    for (int page = 0; page < 5; ++page) {
        Json body = Json::object();
        if (!after.empty()) body["after"] = after;
        Json reply = ask("vm.list", body);
        ASSERT_TRUE(ok(reply)) << reply.dump();
        EXPECT_LE(reply["vms"].size(), 2u);
        for (const Json& vm : reply["vms"]) listed.push_back(vm["vm"]);
        if (!reply["more"].get<bool>()) break;
        after = listed.back();
    }
    EXPECT_EQ(listed, ids);
}

TEST_F(NodeTest, SpawnWriteStdinCloseAndKillShowInTheEvents) {
    start();
    auto events = client.watch("luaos.t1.vm.*.events");
    const std::string echo = "local line = io.read() while line do print('got ' .. line) line = io.read() end "
                             "print('eof')";
    const std::string vm = create({{"programs", {{{"name", "echo"}, {"code", echo}}}}, {"boot", {{{"program", "echo"}}}}});
    ASSERT_FALSE(vm.empty());

    Json spawned = ask("vm." + vm + ".spawn", {{"code", "while true do end"}, {"name", "spin"}});
    ASSERT_TRUE(ok(spawned)) << spawned.dump();
    EXPECT_EQ(spawned["pid"], 2);
    Json again = ask("vm." + vm + ".spawn", {{"program", "echo"}, {"args", {"x"}}});
    ASSERT_TRUE(ok(again)) << again.dump();
    EXPECT_EQ(again["pid"], 3);
    ASSERT_TRUE(ok(ask("vm." + vm + ".stdin", {{"pid", 3}, {"close", true}})));

    Json written = ask("vm." + vm + ".stdin", {{"pid", 1}, {"line", "hello"}});
    ASSERT_TRUE(ok(written)) << written.dump();
    ASSERT_FALSE(events->wait_for([](const Json& e) { return is_event(e, "output", 1); }).is_null());
    Json closed = ask("vm." + vm + ".stdin", {{"pid", 1}, {"close", true}});
    ASSERT_TRUE(ok(closed)) << closed.dump();
    Json exit1 = events->wait_for([](const Json& e) { return is_event(e, "exit", 1); });
    ASSERT_FALSE(exit1.is_null());
    EXPECT_EQ(exit1["status"], "finished");
    EXPECT_EQ(exit1["exit_code"], 0);
    EXPECT_EQ(output_of(events->seen(), 1), "got hello\neof\n");

    Json killed = ask("vm." + vm + ".kill", {{"pid", 2}, {"reason", "enough spinning"}});
    ASSERT_TRUE(ok(killed)) << killed.dump();
    Json exit2 = events->wait_for([](const Json& e) { return is_event(e, "exit", 2); });
    ASSERT_FALSE(exit2.is_null());
    EXPECT_EQ(exit2["status"], "killed");
    EXPECT_NE(exit2["error"].get<std::string>().find("enough spinning"), std::string::npos) << exit2.dump();
    EXPECT_EQ(exit2["name"], "spin");
}

TEST_F(NodeTest, EventsArriveInOrderNumberedAndNamingTheNode) {
    start();
    auto events = client.watch("luaos.t1.vm.*.events");
    const std::string vm = create({{"programs", {{{"name", "talk"}, {"code", "print('a') print('b') error('boom')"}}}},
                                   {"boot", {{{"program", "talk"}}}}});
    Json exit = events->wait_for([](const Json& e) { return is_event(e, "exit", 1); });
    ASSERT_FALSE(exit.is_null());
    EXPECT_EQ(exit["status"], "failed");
    EXPECT_NE(exit["error"].get<std::string>().find("boom"), std::string::npos) << exit.dump();
    EXPECT_NE(exit["exit_code"], 0);
    EXPECT_EQ(output_of(events->seen(), 1), "a\nb\n");
    const std::vector<Json>& seen = events->seen();
    ASSERT_GE(seen.size(), 3u);
    EXPECT_TRUE(is_event(seen.front(), "spawn", 1)) << seen.front().dump();
    EXPECT_EQ(seen.front()["name"], "talk");
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i]["node"], "t1");
        EXPECT_EQ(seen[i]["vm"], vm);
        EXPECT_EQ(seen[i]["seq"], i + 1) << seen[i].dump();
    }
}

TEST_F(NodeTest, DestroyIsAnnouncedAfterTheExitsOfItsProcesses) {
    start();
    auto events = client.watch("luaos.t1.vm.*.events");
    const std::string vm =
        create({{"programs", {{{"name", "spin"}, {"code", "while true do end"}}}}, {"boot", {{{"program", "spin"}}}}});
    ASSERT_FALSE(events->wait_for([](const Json& e) { return is_event(e, "spawn", 1); }).is_null());
    ASSERT_TRUE(ok(ask("vm." + vm + ".destroy", {{"reason", "game over"}})));
    Json removed = events->wait_for([](const Json& e) { return is_event(e, "vm_removed"); });
    ASSERT_FALSE(removed.is_null());
    EXPECT_EQ(removed["reason"], "destroyed");
    const std::vector<Json>& seen = events->seen();
    auto exit = std::find_if(seen.begin(), seen.end(), [](const Json& e) { return is_event(e, "exit", 1); });
    ASSERT_NE(exit, seen.end());
    EXPECT_EQ((*exit)["status"], "killed");
    EXPECT_EQ((*exit)["error"], "game over");
    EXPECT_LT((*exit)["seq"].get<int>(), removed["seq"].get<int>());
}

TEST_F(NodeTest, AVmStaysEmptyUntilDestroyedUnlessNotKept) {
    start();
    auto events = client.watch("luaos.t1.vm.*.events");
    const std::string kept = create(Json::object());
    const std::string passing = create({{"programs", {{{"name", "once"}, {"code", "print('once')"}}}},
                                        {"boot", {{{"program", "once"}}}},
                                        {"keep", false}});
    Json removed = events->wait_for([](const Json& e) { return is_event(e, "vm_removed"); });
    ASSERT_FALSE(removed.is_null());
    EXPECT_EQ(removed["vm"], passing);
    EXPECT_EQ(removed["reason"], "finished");
    Json listed = ask("vm.list");
    ASSERT_EQ(listed["vms"].size(), 1u) << listed.dump();
    EXPECT_EQ(listed["vms"][0]["vm"], kept);
    EXPECT_EQ(listed["vms"][0]["processes"], 0);
    Json spawned = ask("vm." + kept + ".spawn", {{"code", "print('later')"}});
    EXPECT_TRUE(ok(spawned)) << spawned.dump();
}

TEST_F(NodeTest, OutputBeyondTheTickBudgetIsCountedNotSent) {
    options.limits.event_output_bytes = 1024;
    start();
    auto events = client.watch("luaos.t1.vm.*.events");
    create({{"programs", {{{"name", "flood"}, {"code", "print(string.rep('x', 10000))"}}}},
            {"boot", {{{"program", "flood"}}}}});
    Json dropped = events->wait_for([](const Json& e) { return is_event(e, "output_dropped", 1); });
    ASSERT_FALSE(dropped.is_null());
    EXPECT_EQ(dropped["bytes"], 10001 - 1024);
    EXPECT_EQ(output_of(events->seen(), 1), std::string(1024, 'x'));
}

TEST_F(NodeTest, ABootProgramThatDoesNotCompileIsReportedInTheReply) {
    start();
    Json created = ask("vm.create", {{"programs", {kIdle, {{"name", "bad"}, {"code", "x = = 1"}}}},
                                     {"boot", {{{"program", "idle"}}, {{"program", "bad"}}}}});
    ASSERT_TRUE(ok(created)) << created.dump();
    EXPECT_EQ(created["boot"][0]["pid"], 1);
    EXPECT_FALSE(created["boot"][1].contains("pid"));
    EXPECT_NE(created["boot"][1]["error"].get<std::string>().find("bad"), std::string::npos) << created.dump();
}

TEST_F(NodeTest, StopDrainsKillsEveryVmAndSaysSo) {
    start();
    auto vm_events = client.watch("luaos.t1.vm.*.events");
    auto node_events = client.watch("luaos.t1.events");
    create({{"programs", {{{"name", "spin"}, {"code", "while true do end"}}}}, {"boot", {{{"program", "spin"}}}}});
    ASSERT_FALSE(vm_events->wait_for([](const Json& e) { return is_event(e, "spawn", 1); }).is_null());

    const service::NodeReport report = node->stop();
    EXPECT_EQ(report.vms_stopped, 1u);
    Json exit = vm_events->wait_for([](const Json& e) { return is_event(e, "exit", 1); });
    ASSERT_FALSE(exit.is_null());
    EXPECT_EQ(exit["status"], "killed");
    EXPECT_EQ(exit["error"], "the node is shutting down");
    Json removed = vm_events->wait_for([](const Json& e) { return is_event(e, "vm_removed"); });
    ASSERT_FALSE(removed.is_null());
    EXPECT_EQ(removed["reason"], "node_stopped");
    Json stopped = node_events->wait_for([](const Json& e) { return is_event(e, "stopped"); });
    ASSERT_FALSE(stopped.is_null());
    EXPECT_EQ(stopped["node"], "t1");
    EXPECT_EQ(stopped["vms_stopped"], 1);
    // Nobody answers any more: the request finds no responder.
    EXPECT_TRUE(ask("stats").is_null());
}

TEST_F(NodeTest, RequestsWithoutAReplySubjectAreCarriedOutSilently) {
    start();
    auto events = client.watch("luaos.t1.vm.*.events");
    const std::string echo = "print('got ' .. tostring(io.read()))";
    const std::string vm = create({{"programs", {{{"name", "echo"}, {"code", echo}}}}, {"boot", {{{"program", "echo"}}}}});
    client.publish("luaos.t1.vm.create", "{not json");
    client.publish("luaos.t1.nonsense", "{}");
    client.publish("luaos.t1.vm." + vm + ".stdin", Json{{"pid", 1}, {"line", "quiet"}}.dump());
    Json output = events->wait_for([](const Json& e) { return is_event(e, "output", 1); });
    ASSERT_FALSE(output.is_null());
    EXPECT_EQ(output["data"], "got quiet\n");
    EXPECT_TRUE(ok(ask("stats")));
}

TEST(NodeStart, AnUnreachableBrokerIsAnError) {
    service::NodeOptions options = test_node_options("nats://127.0.0.1:" + std::to_string(NatsServer::free_port()));
    EXPECT_THROW(service::Node node(options), service::NatsError);
}

TEST(NodeStart, ABadNameOrRateIsRefusedBeforeConnecting) {
    service::NodeOptions options = test_node_options("nats://127.0.0.1:1", "bad.name");
    EXPECT_THROW(service::Node node(options), std::invalid_argument);
    options = test_node_options("nats://127.0.0.1:1", "");
    EXPECT_THROW(service::Node node(options), std::invalid_argument);
    options = test_node_options("nats://127.0.0.1:1");
    options.ticks_per_second = 0;
    EXPECT_THROW(service::Node node(options), std::invalid_argument);
}

}  // namespace
}  // namespace luaos::service_test
