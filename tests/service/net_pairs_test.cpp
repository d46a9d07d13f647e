// Issue 24's proof of the network across nodes: three nodes on one real
// nats-server, a thousand pairs of VMs, each client on one node connected to
// its server on another, numbered messages of varied sizes there and back.
// The server checks each message's number, size and contents as it arrives
// and echoes it; the client checks the echoes the same way; each side prints
// its counts, and the test reads every one. One message lost, reordered or
// damaged anywhere shows as a wrong count on both sides of its pair.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "nats_client.hpp"
#include "nats_server.hpp"
#include "node_fixture.hpp"
#include "running_node.hpp"

namespace luaos::service_test {
namespace {

using namespace std::chrono_literals;

constexpr int kPairs = 1000;
constexpr int kMessages = 32;  // each way, per pair
constexpr const char* kNodes[] = {"n1", "n2", "n3"};

// Message k of pair p: "p:k:" then a letter repeated, short mostly, and every
// fourth one a few KiB, so that a pair's messages outgrow the 64 KiB credit
// window only when the echoes are not read. Both sides build it alike.
constexpr const char* kMessage = R"lua(
local function message(pair, k)
    local size = k % 4 == 0 and 1000 + (pair * 131 + k * 977) % 7000 or (pair * 31 + k * 17) % 200
    return pair .. ":" .. k .. ":" .. string.rep(string.char(97 + (pair + k) % 26), size)
end
)lua";

// Reads every message in order, echoing each, then expects the end of the stream.
constexpr const char* kServer = R"lua(
local pair, n = tonumber(arg[1]), tonumber(arg[2])
local conn = assert(assert(net.listen(80)):accept())
local got, bad = 0, 0
for k = 1, n do
    local m, err = conn:recv(600)
    if m == nil then print("server", pair, "stopped at", k, err) break end
    got = got + 1
    if m ~= message(pair, k) then bad = bad + 1 end
    assert(conn:send(m))
end
local tail, err = conn:recv(600)
print("server", pair, "got", got, "bad", bad, "end", tail == nil and err == nil)
)lua";

// Keeps at most four messages unanswered (well inside both credit windows),
// checking each echo against what it sent.
constexpr const char* kClient = R"lua(
local pair, n, server = tonumber(arg[1]), tonumber(arg[2]), arg[3]
local conn, err
for attempt = 1, 100 do
    conn, err = net.connect(server, 80, 600)
    if conn or err ~= "refused" then break end
    os.sleep(2)
end
assert(conn, err)
local echoed, bad, window = 0, 0, 4
local function check_echo(k)
    local m, why = conn:recv(600)
    if m == nil then print("client", pair, "no echo", k, why) return false end
    if m == message(pair, k) then echoed = echoed + 1 else bad = bad + 1 end
    return true
end
local going = true
for k = 1, n do
    assert(conn:send(message(pair, k)))
    if k > window then going = check_echo(k - window) end
    if not going then break end
end
for k = math.max(1, n - window + 1), n do
    if going then going = check_echo(k) end
end
conn:close()
print("client", pair, "echoed", echoed, "bad", bad)
)lua";

class NetPairsTest : public testing::Test {
protected:
    void SetUp() override {
        for (const char* name : kNodes) nodes.push_back(std::make_unique<RunningNode>(test_node_options(server.url(), name)));
    }

    // Sends a create per pair without waiting, then reads every reply.
    void create_all(const std::string& role, const std::function<Json(int)>& body_of,
                    const std::function<std::string(int)>& node_of) {
        const std::string replies_subject = "pairs.created." + role;
        auto replies = client.watch(replies_subject);
        for (int pair = 0; pair < kPairs; ++pair) {
            client.publish_request("luaos." + node_of(pair) + ".vm.create", replies_subject, body_of(pair).dump());
        }
        for (int i = 0; i < kPairs; ++i) {
            Json reply = replies->next();
            ASSERT_TRUE(ok(reply)) << role << " create " << i << ": " << reply.dump();
        }
    }

    static Json vm_body(const std::string& code, const std::string& address, std::vector<std::string> args) {
        return Json{{"programs", {{{"name", "main"}, {"code", std::string(kMessage) + code}}}},
                    {"boot", {{{"program", "main"}, {"args", std::move(args)}}}},
                    {"address", address}};
    }
    static std::string server_address(int pair) { return "10.1." + std::to_string(pair / 256) + "." + std::to_string(pair % 256); }
    static std::string client_address(int pair) { return "10.2." + std::to_string(pair / 256) + "." + std::to_string(pair % 256); }

    NatsServer server;
    NatsClient client{server.url()};
    std::unique_ptr<Watch> events = client.watch("luaos.*.vm.*.events");
    std::vector<std::unique_ptr<RunningNode>> nodes;
};

TEST_F(NetPairsTest, AThousandPairsAcrossThreeNodesLoseAndReorderNothing) {
    const auto started = std::chrono::steady_clock::now();
    // Pair p: its server on node p % 3, its client on the next node.
    create_all(
        "servers",
        [](int pair) { return vm_body(kServer, server_address(pair), {std::to_string(pair), std::to_string(kMessages)}); },
        [](int pair) { return kNodes[pair % 3]; });
    create_all(
        "clients",
        [](int pair) {
            return vm_body(kClient, client_address(pair),
                           {std::to_string(pair), std::to_string(kMessages), server_address(pair)});
        },
        [](int pair) { return kNodes[(pair + 1) % 3]; });

    // Every boot process ends; each printed one line of counts.
    int exits = 0;
    const Json last = events->wait_for(
        [&exits](const Json& event) { return is_event(event, "exit") && ++exits == 2 * kPairs; }, 150s);
    EXPECT_FALSE(last.is_null()) << "only " << exits << " of " << 2 * kPairs << " processes ended";
    std::map<std::string, int> lines;
    for (const Json& event : events->seen()) {
        if (is_event(event, "exit")) {
            EXPECT_EQ(event.value("status", ""), "finished") << event.dump();
        }
        if (is_event(event, "output")) ++lines[event.value("data", "")];
    }
    // Each pair's two lines, once; anything else is printed.
    int good = 0;
    for (int pair = 0; pair < kPairs; ++pair) {
        const std::string n = std::to_string(kMessages);
        for (const std::string& line : {"server\t" + std::to_string(pair) + "\tgot\t" + n + "\tbad\t0\tend\ttrue\n",
                                        "client\t" + std::to_string(pair) + "\techoed\t" + n + "\tbad\t0\n"}) {
            auto found = lines.find(line);
            if (found != lines.end() && found->second == 1) {
                lines.erase(found);
                ++good;
            }
        }
    }
    EXPECT_EQ(good, 2 * kPairs);
    int shown = 0;
    for (const auto& [line, times] : lines) {
        if (++shown <= 20) ADD_FAILURE() << times << " x " << line;
    }
    // The bridges' counts agree: once the last packets have landed, all three
    // nodes received what they published, and nothing failed on the way.
    Json out_in;
    for (int attempt = 0; attempt < 200; ++attempt) {
        std::uint64_t out = 0;
        std::uint64_t in = 0;
        std::uint64_t failed = 0;
        for (const char* node : kNodes) {
            const Json net = client.request("luaos." + std::string(node) + ".stats", Json::object())["net"];
            ASSERT_TRUE(net.is_object()) << node;
            out += net["packets_out"].get<std::uint64_t>();
            in += net["packets_in"].get<std::uint64_t>();
            for (const char* lost : {"undeliverable", "datagrams_lost", "datagrams_dropped", "malformed"}) {
                failed += net[lost].get<std::uint64_t>();
            }
        }
        out_in = Json{{"out", out}, {"in", in}, {"failed", failed}};
        if (out == in) break;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(out_in["out"], out_in["in"]) << out_in.dump();
    EXPECT_EQ(out_in["failed"], 0) << out_in.dump();
    // Each message went out once and came back once, as a Data packet each way.
    EXPECT_GE(out_in["in"].get<std::uint64_t>(), std::uint64_t{2} * kPairs * kMessages) << out_in.dump();
    std::cout << "[ pairs    ] " << kPairs << " pairs, " << kMessages << " messages each way: "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
}

}  // namespace
}  // namespace luaos::service_test
