// Several nodes on one real nats-server (docs/serve.md, "Several nodes"):
// creates placed on nodes with room, a VM reached wherever it runs, a node
// killed outright noticed by the others, and a clean stop.

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/cli_runner.hpp"
#include "nats_client.hpp"
#include "nats_server.hpp"
#include "running_node.hpp"

namespace luaos::service_test {
namespace {

using namespace std::chrono_literals;

const Json kIdle = {{"name", "idle"}, {"code", "print('up') while true do io.read() end"}};
const Json kIdleVm = {{"programs", {kIdle}}, {"boot", {{{"program", "idle"}}}}};

// Beats fast, so that a lost node is noticed soon (the deadlines below are
// generous all the same: a loaded machine ticks late).
constexpr std::chrono::milliseconds kBeat{100};
constexpr std::chrono::seconds kNoticeDeadline{30};

class NodesTest : public testing::Test {
protected:
    // Starts n1, n2 and n3, each holding at most `max_vms` VMs.
    void start(std::size_t max_vms = 10'000) {
        for (const char* name : {"n1", "n2", "n3"}) {
            service::NodeOptions options = test_node_options(server.url(), name);
            options.limits.vms = max_vms;
            options.heartbeat.interval = kBeat;
            nodes[name] = std::make_unique<RunningNode>(std::move(options));
        }
    }

    // A create on the shared subject, sent again when the node that took it
    // had just become full ("limit"), or when no node had room yet (one that
    // has just got room joins the group after its tick), as a client does.
    Json create_anywhere(const Json& body = kIdleVm) {
        Json reply;
        for (int attempt = 0; attempt < 500; ++attempt) {
            reply = client.request("luaos.any.vm.create", body);
            const bool retry = reply.is_null() || (!ok(reply) && reply["error"]["code"] == "limit");
            if (!retry) return reply;
            std::this_thread::sleep_for(20ms);
        }
        return reply;
    }

    // Whether nobody listens on `subject` within a few seconds: a node leaves
    // a subject at the end of the tick that made it leave, after replying.
    bool soon_nobody_listens(const std::string& subject, const Json& body = Json::object()) {
        for (int attempt = 0; attempt < 500; ++attempt) {
            if (client.nobody_listens(subject, body.dump())) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    NatsServer server;
    NatsClient client{server.url()};
    std::map<std::string, std::unique_ptr<RunningNode>> nodes;
};

TEST_F(NodesTest, CreatesAreSpreadOverNodesWithRoomAndNobodyListensWhenAllAreFull) {
    start(/*max_vms=*/2);
    std::map<std::string, int> placed;
    for (int i = 0; i < 6; ++i) {
        Json created = create_anywhere();
        ASSERT_TRUE(ok(created)) << i << ": " << created.dump();
        ++placed[created["node"].get<std::string>()];
    }
    EXPECT_EQ(placed, (std::map<std::string, int>{{"n1", 2}, {"n2", 2}, {"n3", 2}}));
    for (const char* node : {"n1", "n2", "n3"}) {
        Json stats = client.request(std::string("luaos.") + node + ".stats", Json::object());
        EXPECT_EQ(stats["vms"], 2) << stats.dump();
    }
    // Every node is full: none is in the group any more.
    EXPECT_TRUE(soon_nobody_listens("luaos.any.vm.create", kIdleVm));
    // A node's own subject still answers, and refuses.
    Json refused = client.request("luaos.n2.vm.create", kIdleVm);
    EXPECT_EQ(refused["error"]["code"], "limit") << refused.dump();

    // A VM of n2 leaves: n2 has room again, and only n2.
    Json listed = client.request("luaos.n2.vm.list", Json::object());
    ASSERT_TRUE(ok(listed)) << listed.dump();
    const std::string vm = listed["vms"][0]["vm"];
    ASSERT_TRUE(ok(client.request("luaos.n2.vm." + vm + ".destroy", Json::object())));
    Json again = create_anywhere();
    ASSERT_TRUE(ok(again)) << again.dump();
    EXPECT_EQ(again["node"], "n2");
}

TEST_F(NodesTest, ARefusedCreateIsRetriedElsewhereNotLost) {
    start(/*max_vms=*/1);
    // Three creates in flight at once: whichever node takes two refuses one.
    auto replies = client.watch("test.replies.*");
    for (int i = 0; i < 3; ++i) {
        client.publish_request("luaos.any.vm.create", "test.replies." + std::to_string(i), kIdleVm.dump());
    }
    int created = 0;
    int refused = 0;
    for (int i = 0; i < 3; ++i) {
        Json reply = replies->next();
        ASSERT_FALSE(reply.is_null());
        if (ok(reply)) {
            ++created;
        } else {
            EXPECT_EQ(reply["error"]["code"], "limit") << reply.dump();
            ++refused;
        }
    }
    // Each refusal, sent again, finds the node with room.
    for (int i = 0; i < refused; ++i) {
        Json reply = create_anywhere();
        ASSERT_TRUE(ok(reply)) << reply.dump();
        ++created;
    }
    EXPECT_EQ(created, 3);
    EXPECT_TRUE(soon_nobody_listens("luaos.any.vm.create", kIdleVm));
}

TEST_F(NodesTest, AVmIsReachedOnItsSharedSubjectWhereverItRuns) {
    start();
    // Node ids are per node: VMs on two nodes may share one. UUIDs differ.
    Json first = client.request("luaos.n1.vm.create", kIdleVm);
    Json second = client.request("luaos.n3.vm.create", kIdleVm);
    ASSERT_TRUE(ok(first) && ok(second)) << first.dump() << second.dump();
    EXPECT_EQ(first["vm"], second["vm"]);
    EXPECT_NE(first["uuid"], second["uuid"]);

    const std::string uuid = second["uuid"];
    auto events = client.watch("luaos.n3.vm." + second["vm"].get<std::string>() + ".events");
    Json status = client.request("luaos.vm." + uuid + ".status", Json::object());
    ASSERT_TRUE(ok(status)) << status.dump();
    EXPECT_EQ(status["node"], "n3");
    EXPECT_EQ(status["vm"], second["vm"]);
    ASSERT_EQ(status["processes"].size(), 1u);

    Json typed = client.request("luaos.vm." + uuid + ".stdin", Json{{"pid", 1}, {"line", "x"}});
    ASSERT_TRUE(ok(typed)) << typed.dump();
    Json spawned = client.request("luaos.vm." + uuid + ".spawn", Json{{"code", "print('on ' .. 'n3')"}});
    ASSERT_TRUE(ok(spawned)) << spawned.dump();
    Json output = events->wait_for([](const Json& e) { return e.value("data", "") == "on n3\n"; });
    EXPECT_FALSE(output.is_null());

    Json unknown = client.request("luaos.vm." + uuid + ".bogus", Json::object());
    EXPECT_EQ(unknown["error"]["code"], "unknown_subject") << unknown.dump();
    EXPECT_TRUE(client.nobody_listens("luaos.vm.00000000-0000-4000-8000-000000000000.status"));

    ASSERT_TRUE(ok(client.request("luaos.vm." + uuid + ".destroy", Json::object())));
    // Once it is gone, nobody holds it (a request racing its removal is
    // answered not_found).
    Json after = client.request("luaos.vm." + uuid + ".status", Json::object());
    if (!after.is_null()) {
        EXPECT_EQ(after["error"]["code"], "not_found") << after.dump();
    }
    Json removed = events->wait_for([](const Json& e) { return e.value("event", "") == "vm_removed"; });
    ASSERT_FALSE(removed.is_null());
    EXPECT_TRUE(soon_nobody_listens("luaos.vm." + uuid + ".status"));
}

bool lost_event(const Json& event, const std::string& lost) {
    return event.value("event", "") == "node_lost" && event.value("lost", "") == lost;
}

TEST_F(NodesTest, ANodeKilledOutrightIsReportedLostByEveryOtherNode) {
    start();
    auto node_events = client.watch("luaos.*.events");
    cli_test::CliSession doomed({"serve", "--nats", server.url(), "--node", "doomed", "--threads", "1",
                                 "--heartbeat-ms", std::to_string(kBeat.count())});
    ASSERT_TRUE(doomed.wait_for("answers luaos.doomed.>", /*in_err=*/true)) << doomed.err();
    Json vm = client.request("luaos.doomed.vm.create", kIdleVm);
    ASSERT_TRUE(ok(vm)) << vm.dump();
    ASSERT_FALSE(node_events
                     ->wait_for([](const Json& e) {
                         return e.value("node", "") == "doomed" && e.value("event", "") == "heartbeat";
                     })
                     .is_null());

    doomed.signal(SIGKILL);
    std::map<std::string, Json> reports;
    const auto deadline = std::chrono::steady_clock::now() + kNoticeDeadline;
    while (reports.size() < 3 && std::chrono::steady_clock::now() < deadline) {
        Json event = node_events->wait_for([](const Json& e) { return lost_event(e, "doomed"); }, kNoticeDeadline);
        if (event.is_null()) break;
        reports[event["node"].get<std::string>()] = event;
    }
    EXPECT_EQ(reports.size(), 3u);
    for (const auto& [node, event] : reports) EXPECT_GE(event["silent_ms"].get<int>(), 3 * kBeat.count()) << node;
    // Its VM went with it: nobody answers for it.
    EXPECT_TRUE(client.nobody_listens("luaos.vm." + vm["uuid"].get<std::string>() + ".status"));
    EXPECT_TRUE(client.nobody_listens("luaos.doomed.stats"));
    // Said once per observer.
    int said = 0;
    for (const Json& event : node_events->seen()) said += lost_event(event, "doomed") ? 1 : 0;
    EXPECT_EQ(said, 3);
}

TEST_F(NodesTest, ANodeThatStopsCleanlySaysSoAndIsNotReportedLost) {
    start();
    auto node_events = client.watch("luaos.*.events");
    Json created = client.request("luaos.n3.vm.create", kIdleVm);
    ASSERT_TRUE(ok(created)) << created.dump();
    auto vm_events = client.watch("luaos.n3.vm." + created["vm"].get<std::string>() + ".events");
    // Every node has heard n3.
    ASSERT_FALSE(node_events
                     ->wait_for([](const Json& e) {
                         return e.value("node", "") == "n3" && e.value("event", "") == "heartbeat";
                     })
                     .is_null());

    const service::NodeReport report = nodes["n3"]->stop();
    EXPECT_EQ(report.vms_stopped, 1u);
    Json removed = vm_events->wait_for([](const Json& e) { return e.value("event", "") == "vm_removed"; });
    ASSERT_FALSE(removed.is_null());
    EXPECT_EQ(removed["reason"], "node_stopped");
    ASSERT_FALSE(node_events
                     ->wait_for([](const Json& e) {
                         return e.value("node", "") == "n3" && e.value("event", "") == "stopped";
                     })
                     .is_null());
    EXPECT_TRUE(soon_nobody_listens("luaos.vm." + created["uuid"].get<std::string>() + ".status"));
    // Creates go to the two left.
    Json again = create_anywhere();
    ASSERT_TRUE(ok(again)) << again.dump();
    EXPECT_NE(again["node"], "n3");
    // Many beats later, nobody has reported n3 lost: it said it stopped.
    Json lost = node_events->wait_for([](const Json& e) { return lost_event(e, "n3"); }, 20 * kBeat);
    EXPECT_TRUE(lost.is_null()) << lost.dump();
}

TEST_F(NodesTest, AnOversizedNodeEventIsNotReadButAPeersBeatIs) {
    start();
    auto node_events = client.watch("luaos.*.events");
    // Anyone the broker lets publish there is a peer: one that beats once
    // and falls silent is lost; one whose beat is over 4 KiB was never heard.
    Json huge{{"node", "ghost"}, {"event", "heartbeat"}, {"interval_ms", 100}, {"padding", std::string(5000, 'x')}};
    client.publish("luaos.ghost.events", huge.dump());
    client.publish("luaos.peer.events", Json{{"node", "peer"}, {"event", "heartbeat"}, {"interval_ms", 100}}.dump());
    Json lost = node_events->wait_for([](const Json& e) { return lost_event(e, "peer"); }, kNoticeDeadline);
    EXPECT_FALSE(lost.is_null());
    // Many beats later, nobody has reported the ghost.
    EXPECT_TRUE(node_events->wait_for([](const Json& e) { return lost_event(e, "ghost"); }, 20 * kBeat).is_null());
    for (const Json& event : node_events->seen()) EXPECT_FALSE(lost_event(event, "ghost")) << event.dump();
}

TEST(NodeNames, TheSharedSubjectsNamesAreRefused) {
    NatsServer server;
    for (const char* name : {"any", "vm"}) {
        EXPECT_THROW(service::Node(test_node_options(server.url(), name)), std::invalid_argument) << name;
    }
    service::NodeOptions options = test_node_options(server.url(), "n1");
    options.heartbeat.interval = 0ms;
    EXPECT_THROW(service::Node{options}, std::invalid_argument);
    options.heartbeat.interval = kBeat;
    options.heartbeat.missed_beats = 0;
    EXPECT_THROW(service::Node{options}, std::invalid_argument);
}

}  // namespace
}  // namespace luaos::service_test
