// Malformed and hostile requests: each gets an error reply naming the node,
// and the node goes on answering.

#include <gtest/gtest.h>

#include <set>

#include "node_fixture.hpp"

namespace luaos::service_test {
namespace {

struct BadRequest {
    std::string operation;  // after luaos.t1.; "VM" stands for a live VM's id
    std::string body;
    std::string code;
};

void PrintTo(const BadRequest& bad, std::ostream* out) { *out << bad.operation << " " << bad.body.substr(0, 80); }

class ApiErrorTest : public NodeTest, public testing::WithParamInterface<BadRequest> {};

TEST_P(ApiErrorTest, GetsAnErrorReplyAndTheNodeGoesOn) {
    options.limits.request_bytes = 64 << 10;
    start();
    const std::string vm = create({{"programs", {{{"name", "idle"}, {"code", "io.read()"}}}},
                                   {"boot", {{{"program", "idle"}}}}});
    std::string operation = GetParam().operation;
    if (const std::size_t at = operation.find("VM"); at != std::string::npos) operation.replace(at, 2, vm);
    Json reply = ask_raw(operation, GetParam().body);
    ASSERT_TRUE(reply.is_object()) << "no reply";
    EXPECT_EQ(reply["ok"], false) << reply.dump();
    EXPECT_EQ(reply["node"], "t1");
    EXPECT_EQ(reply["error"]["code"], GetParam().code) << reply.dump();
    EXPECT_FALSE(reply["error"]["message"].get<std::string>().empty());
    Json stats = ask("stats");
    EXPECT_TRUE(ok(stats)) << stats.dump();
    EXPECT_EQ(stats["vms"], 1);
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

INSTANTIATE_TEST_SUITE_P(
    Requests, ApiErrorTest,
    testing::Values(
        BadRequest{"vm.create", "{not json", "bad_json"},
        BadRequest{"vm.create", "[1, 2]", "bad_json"},
        BadRequest{"vm.create", "\"text\"", "bad_json"},
        BadRequest{"vm.create", "{\"programs\": [\"\xff\xfe\"]}", "bad_json"},
        BadRequest{"vm.create", nested(30'000), "bad_json"},
        BadRequest{"vm.create", "{\"a\": " + nested(20) + "}", "bad_json"},
        BadRequest{"vm.create", "{\"programs\": " + std::string(70'000, ' ') + "[]}", "too_large"},
        BadRequest{"vm.create", R"({"programs": "x"})", "bad_request"},
        BadRequest{"vm.create", R"({"programs": [{"name": 1, "code": "x"}]})", "bad_request"},
        BadRequest{"vm.create", R"({"programs": [{"name": "a"}]})", "bad_request"},
        BadRequest{"vm.create", R"({"programs": [{"name": "", "code": "x"}]})", "bad_request"},
        BadRequest{"vm.create", R"({"programs": [{"name": "a", "code": "x", "dialect": "python"}]})", "bad_request"},
        BadRequest{"vm.create", R"({"programs": [{"name": "a", "code": "x"}, {"name": "a", "code": "y"}]})",
                   "bad_request"},
        BadRequest{"vm.create", R"({"boot": [{"program": "nope"}]})", "bad_request"},
        BadRequest{"vm.create", R"({"programs": [{"name": "a", "code": "x"}], "boot": [{"program": "a", "args": [1]}]})",
                   "bad_request"},
        BadRequest{"vm.create", R"({"bogus": 1})", "bad_request"},
        BadRequest{"vm.create", R"({"keep": "yes"})", "bad_request"},
        BadRequest{"vm.create", R"({"address": "300.1.1.1"})", "bad_request"},
        BadRequest{"vm.create", R"({"address": 5})", "bad_request"},
        BadRequest{"nonsense", "{}", "unknown_subject"},
        BadRequest{"vm.nope", "{}", "unknown_subject"},
        BadRequest{"vm.VM.frobnicate", "{}", "unknown_subject"},
        BadRequest{"vm.VM.status.more", "{}", "unknown_subject"},
        BadRequest{"vm.99999.status", "{}", "not_found"},
        BadRequest{"vm.abc.status", "{}", "not_found"},
        BadRequest{"vm.007.status", "{}", "not_found"},
        BadRequest{"vm.list", R"({"limit": "ten"})", "bad_request"},
        BadRequest{"vm.list", R"({"limit": 0})", "bad_request"},
        BadRequest{"vm.list", R"({"after": 3})", "bad_request"},
        BadRequest{"vm.find", "{}", "bad_request"},
        BadRequest{"vm.find", R"({"uuid": "00000000-0000-4000-8000-000000000000"})", "not_found"},
        BadRequest{"stats", R"({"x": 1})", "bad_request"},
        BadRequest{"vm.VM.spawn", "{}", "bad_request"},
        BadRequest{"vm.VM.spawn", R"({"program": 1})", "bad_request"},
        BadRequest{"vm.VM.spawn", R"({"program": "idle", "code": "x"})", "bad_request"},
        BadRequest{"vm.VM.spawn", R"({"program": "idle", "name": "x"})", "bad_request"},
        BadRequest{"vm.VM.spawn", R"({"program": "missing"})", "not_found"},
        BadRequest{"vm.VM.spawn", R"({"code": "x = = 1"})", "spawn_failed"},
        BadRequest{"vm.VM.spawn", R"({"code": "x", "args": "a"})", "bad_request"},
        BadRequest{"vm.VM.stdin", R"({"pid": "1", "line": "x"})", "bad_request"},
        BadRequest{"vm.VM.stdin", R"({"pid": 1})", "bad_request"},
        BadRequest{"vm.VM.stdin", R"({"pid": 1, "line": 5})", "bad_request"},
        BadRequest{"vm.VM.stdin", R"({"pid": 1, "close": "yes"})", "bad_request"},
        BadRequest{"vm.VM.stdin", R"({"pid": 42, "line": "x"})", "not_found"},
        BadRequest{"vm.VM.kill", R"({"pid": -1})", "bad_request"},
        BadRequest{"vm.VM.kill", R"({"pid": 1.5})", "bad_request"},
        BadRequest{"vm.VM.kill", R"({"pid": 4294967296})", "bad_request"},
        BadRequest{"vm.VM.kill", R"({"pid": 77})", "not_found"},
        BadRequest{"vm.VM.kill", R"({"pid": 1, "reason": 3})", "bad_request"},
        BadRequest{"vm.VM.status", R"({"pid": 0})", "bad_request"},
        BadRequest{"vm.VM.stats", R"({"pid": 1})", "bad_request"},
        BadRequest{"vm.VM.destroy", R"({"reason": []})", "bad_request"}));

TEST_F(NodeTest, ABodyOverTheLimitIsRefusedAtTheDoor) {
    options.limits.request_bytes = 1000;
    start();
    Json reply = ask_raw("stats", std::string(2000, ' '));
    EXPECT_EQ(reply["error"]["code"], "too_large") << reply.dump();
    EXPECT_EQ(ask("stats")["refused_too_large"], 1);
}

TEST_F(NodeTest, TheVmLimitRefusesCreatesPastIt) {
    options.limits.vms = 2;
    start();
    const Json body = {{"programs", {{{"name", "idle"}, {"code", "io.read()"}}}}, {"boot", {{{"program", "idle"}}}}};
    create(body);
    create(body);
    Json third = ask("vm.create", body);
    EXPECT_EQ(third["error"]["code"], "limit") << third.dump();
}

TEST_F(NodeTest, TheProcessLimitRefusesSpawnsPastIt) {
    options.cluster.kernel.process_limits.max_processes = 2;
    start();
    const std::string vm = create({{"programs", {{{"name", "idle"}, {"code", "io.read()"}}}},
                                   {"boot", {{{"program", "idle"}}, {{"program", "idle"}}}}});
    Json third = ask("vm." + vm + ".spawn", {{"program", "idle"}});
    EXPECT_EQ(third["error"]["code"], "limit") << third.dump();
    Json boot3 = ask("vm.create", {{"programs", {{{"name", "idle"}, {"code", "io.read()"}}}},
                                   {"boot", {{{"program", "idle"}}, {{"program", "idle"}}, {{"program", "idle"}}}}});
    EXPECT_EQ(boot3["error"]["code"], "too_large") << boot3.dump();
}

TEST_F(NodeTest, AnAddressTakenIsRefusedAndTheOtherVmKeepsIt) {
    start();
    const Json body = {{"programs", {{{"name", "idle"}, {"code", "io.read()"}}}},
                       {"boot", {{{"program", "idle"}}}},
                       {"address", "10.0.0.7"}};
    create(body);
    Json second = ask("vm.create", body);
    EXPECT_EQ(second["error"]["code"], "address_taken") << second.dump();
    EXPECT_EQ(ask("vm.list")["vms"].size(), 1u);
}

// Many requests at once, none waiting for the one before: every one is
// answered, either carried out or refused as busy, and the node still works.
TEST_F(NodeTest, AFloodIsAnsweredInFull) {
    options.limits.queued_requests = 8;
    start();
    auto replies = client.watch("flood.replies");
    constexpr int kRequests = 300;
    for (int i = 0; i < kRequests; ++i) client.publish_request("luaos.t1.stats", "flood.replies", "{}");
    int carried_out = 0;
    int busy = 0;
    for (int i = 0; i < kRequests; ++i) {
        Json reply = replies->next();
        ASSERT_TRUE(reply.is_object()) << "reply " << i << " missing";
        if (ok(reply)) {
            ++carried_out;
        } else {
            EXPECT_EQ(reply["error"]["code"], "busy") << reply.dump();
            ++busy;
        }
    }
    EXPECT_EQ(carried_out + busy, kRequests);
    Json stats = ask("stats");
    ASSERT_TRUE(ok(stats));
    EXPECT_EQ(stats["refused_busy"], busy);
}

}  // namespace
}  // namespace luaos::service_test
