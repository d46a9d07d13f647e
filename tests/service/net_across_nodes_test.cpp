// The VM network across nodes (docs/serve.md, "The network across nodes"):
// two nodes on one real nats-server, VMs on each reaching the other's by
// address as VMs of one node do, with order, credit, and every failure
// reported to the sender.

#include <gtest/gtest.h>

#include <nats/nats.h>

#include <map>
#include <memory>
#include <string>

#include "nats_client.hpp"
#include "nats_server.hpp"
#include "node_fixture.hpp"
#include "running_node.hpp"
#include "service/net_wire.hpp"

namespace luaos::service_test {
namespace {

class NetAcrossNodesTest : public testing::Test {
protected:
    void SetUp() override {
        n1 = std::make_unique<RunningNode>(test_node_options(server.url(), "n1"));
        n2 = std::make_unique<RunningNode>(test_node_options(server.url(), "n2"));
    }

    // A VM on `node` with `address` whose boot process runs `code`; its id.
    std::string create(const std::string& node, const std::string& address, const std::string& code) {
        Json body{{"programs", {{{"name", "main"}, {"code", code}}}}, {"boot", {{{"program", "main"}}}},
                  {"address", address}};
        Json reply = client.request("luaos." + node + ".vm.create", body);
        EXPECT_TRUE(ok(reply)) << reply.dump();
        return reply.value("vm", "");
    }
    // What the boot process of `vm` on `node` printed, once it ended.
    std::string output_at_exit(const std::string& node, const std::string& vm) {
        auto exit_of = [&](const Json& event) {
            return event.value("node", "") == node && event.value("vm", "") == vm && is_event(event, "exit", 1);
        };
        for (const Json& event : events->seen()) {
            if (exit_of(event)) return output_of_vm(node, vm);
        }
        Json exit = events->wait_for(exit_of);
        EXPECT_FALSE(exit.is_null()) << "no exit on " << node << " vm " << vm;
        EXPECT_EQ(exit.value("status", ""), "finished") << exit.dump();
        return output_of_vm(node, vm);
    }
    std::string output_of_vm(const std::string& node, const std::string& vm) {
        std::string text;
        for (const Json& event : events->seen()) {
            if (event.value("node", "") == node && event.value("vm", "") == vm && is_event(event, "output", 1)) {
                text += event.value("data", "");
            }
        }
        return text;
    }

    NatsServer server;
    NatsClient client{server.url()};
    std::unique_ptr<Watch> events = client.watch("luaos.*.vm.*.events");
    std::unique_ptr<RunningNode> n1;
    std::unique_ptr<RunningNode> n2;
};

TEST_F(NetAcrossNodesTest, ADatagramReachesAVmOnAnotherNodeAndItsAnswerComesBack) {
    const std::string b = create("n2", "10.0.0.2", R"lua(
        local d = net.recv()
        print(d.src_ip, d.dst_port, d.data)
        net.send(d.src_ip, d.src_port, "pong:" .. d.data)
    )lua");
    const std::string a = create("n1", "10.0.0.1", R"lua(
        assert(net.send("10.0.0.2", 7, "hello"))
        local d = net.recv()
        print(d.src_ip, d.data)
    )lua");
    EXPECT_EQ(output_at_exit("n2", b), "10.0.0.1\t7\thello\n");
    EXPECT_EQ(output_at_exit("n1", a), "10.0.0.2\tpong:hello\n");
}

TEST_F(NetAcrossNodesTest, AConnectionEchoesAThousandMessagesInOrder) {
    const std::string b = create("n2", "10.0.0.2", R"lua(
        local listener = assert(net.listen(80))
        local conn = assert(listener:accept())
        local ip, port = conn:peer()
        local count = 0
        while true do
            local message = conn:recv()
            if message == nil then break end
            count = count + 1
            assert(conn:send(message))
        end
        print(ip, "echoed", count)
    )lua");
    const std::string a = create("n1", "10.0.0.1", R"lua(
        local conn = assert(net.connect("10.0.0.2", 80))
        print(conn:peer())
        local n = 1000
        for i = 1, n do assert(conn:send("m" .. i)) end
        local in_order = 0
        for i = 1, n do
            if conn:recv() == "m" .. i then in_order = in_order + 1 end
        end
        conn:close()
        print("in order", in_order)
    )lua");
    EXPECT_EQ(output_at_exit("n1", a), "10.0.0.2\t80\nin order\t1000\n");
    EXPECT_EQ(output_at_exit("n2", b), "10.0.0.1\techoed\t1000\n");
}

// The sender may have at most the receiver's buffer (64 KiB: eight 8 KiB
// messages) unread: it tells the receiver how far it got by datagrams, and
// the receiver, which reads nothing for a while, finds it never got past 8.
TEST_F(NetAcrossNodesTest, ASlowReaderOnAnotherNodeHoldsTheSenderBackAndNothingIsLost) {
    const std::string b = create("n2", "10.0.0.2", R"lua(
        local listener = assert(net.listen(80))
        local conn = assert(listener:accept())
        os.sleep(120)
        local furthest = 0
        while true do
            local d = net.recv(0)
            if d == nil then break end
            furthest = math.max(furthest, tonumber(d.data))
        end
        local good, bytes = 0, 0
        for i = 1, 40 do
            local message = conn:recv()
            bytes = bytes + #message
            if message == string.format("%04d", i) .. string.rep("x", 8188) then good = good + 1 end
            os.sleep(1)
        end
        print("good", good, "bytes", bytes, "ended", conn:recv() == nil, "within window", furthest <= 8)
    )lua");
    const std::string a = create("n1", "10.0.0.1", R"lua(
        local conn = assert(net.connect("10.0.0.2", 80))
        for i = 1, 40 do
            assert(conn:send(string.format("%04d", i) .. string.rep("x", 8188)))
            net.send("10.0.0.2", 9, tostring(i))
        end
        conn:close()
        print("sent")
    )lua");
    EXPECT_EQ(output_at_exit("n1", a), "sent\n");
    EXPECT_EQ(output_at_exit("n2", b), "good\t40\tbytes\t327680\tended\ttrue\twithin window\ttrue\n");
}

TEST_F(NetAcrossNodesTest, AnAddressNobodyHoldsIsUnreachableAndAPortNobodyListensOnIsRefused) {
    const std::string b = create("n2", "10.0.0.2", "os.sleep(1000000)");
    const std::string a = create("n1", "10.0.0.1", R"lua(
        print(net.connect("10.9.9.9", 80))
        print(net.connect("10.0.0.2", 81))
    )lua");
    EXPECT_EQ(output_at_exit("n1", a), "nil\tunreachable\nnil\trefused\n");
}

TEST_F(NetAcrossNodesTest, ThePeersNodeStoppingClosesTheConnection) {
    create("n2", "10.0.0.2", R"lua(
        local conn = assert(assert(net.listen(80)):accept())
        print(conn:recv())
        conn:recv()
    )lua");
    const std::string a = create("n1", "10.0.0.1", R"lua(
        local conn = assert(net.connect("10.0.0.2", 80))
        assert(conn:send("hi"))
        print(conn:recv())
        print(conn:send("more"))
    )lua");
    ASSERT_FALSE(events->wait_for([](const Json& e) { return e.value("node", "") == "n2" && is_event(e, "output", 1); })
                     .is_null());
    n2->stop();
    EXPECT_EQ(output_at_exit("n1", a), "nil\nnil\tclosed\n");
}

// A node that vanishes without a word (killed): nothing tells the connection
// it closed, but the next packet to its address finds no responders, and the
// connection fails. A raw client plays the vanishing node: it accepts the
// connection as a node would, then unsubscribes.
TEST_F(NetAcrossNodesTest, APeerWhoseNodeVanishedFailsTheConnectionAtTheNextSend) {
    natsConnection* fake = nullptr;
    ASSERT_EQ(natsConnection_ConnectTo(&fake, server.url().c_str()), NATS_OK);
    natsSubscription* held = nullptr;
    ASSERT_EQ(natsConnection_SubscribeSync(&held, fake, "luaos.net.10.0.0.7"), NATS_OK);
    ASSERT_EQ(natsConnection_Flush(fake), NATS_OK);

    const std::string a = create("n1", "10.0.0.1", R"lua(
        local conn = assert(net.connect("10.0.0.7", 80))
        local sent = 0
        while conn:send("x") do sent = sent + 1 end
        print(select(2, conn:send("x")), conn:recv())
    )lua");
    natsMsg* message = nullptr;
    ASSERT_EQ(natsSubscription_NextMsg(&message, held, 30'000), NATS_OK);
    std::optional<RemotePacket> connect = service::decode_packet(
        std::string_view(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message))));
    natsMsg_Destroy(message);
    ASSERT_TRUE(connect.has_value());
    ASSERT_EQ(connect->kind, RemotePacket::Kind::Connect);
    EXPECT_EQ(format_net_address(connect->from), "10.0.0.1");
    EXPECT_EQ(connect->dst_port, 80);

    RemotePacket accepted;
    accepted.kind = RemotePacket::Kind::Accepted;
    accepted.to = connect->from;
    accepted.to_endpoint = connect->from_endpoint;
    accepted.to_handle = connect->from_handle;
    accepted.from = connect->to;
    accepted.from_endpoint = 1;
    accepted.from_handle = 1;
    natsSubscription_Unsubscribe(held);  // the node is gone before its answer arrives
    natsSubscription_Destroy(held);
    const std::string body = service::encode_packet(accepted);
    const std::string subject = service::net_subject(connect->from);
    ASSERT_EQ(natsConnection_Publish(fake, subject.c_str(), body.data(), static_cast<int>(body.size())), NATS_OK);
    ASSERT_EQ(natsConnection_Flush(fake), NATS_OK);

    EXPECT_EQ(output_at_exit("n1", a), "closed\tnil\n");
    natsConnection_Destroy(fake);
}

TEST_F(NetAcrossNodesTest, TheBridgesCountsAreInTheNodesStats) {
    const std::string b = create("n2", "10.0.0.2", R"lua(
        local d = net.recv()
        net.send(d.src_ip, d.src_port, "pong")
    )lua");
    const std::string a = create("n1", "10.0.0.1", R"lua(
        assert(net.send("10.0.0.2", 7, "hello"))
        net.recv()
        net.send("10.9.9.9", 7, "to nobody")
        print(net.connect("10.0.0.2", 81))
    )lua");
    EXPECT_EQ(output_at_exit("n1", a), "nil\trefused\n");
    output_at_exit("n2", b);
    // n1 sent: the datagram, one to nobody, a Connect; n2 sent: the pong, the Refused.
    Json n1_net = client.request("luaos.n1.stats", Json::object())["net"];
    Json n2_net = client.request("luaos.n2.stats", Json::object())["net"];
    ASSERT_TRUE(n1_net.is_object()) << n1_net.dump();
    EXPECT_EQ(n1_net["packets_out"], 3) << n1_net.dump();
    EXPECT_EQ(n1_net["bytes_out"], 3 * service::kNetWireHeader + 5 + 9) << n1_net.dump();
    EXPECT_EQ(n1_net["packets_in"], 2) << n1_net.dump();
    EXPECT_EQ(n1_net["bytes_in"], 2 * service::kNetWireHeader + 4) << n1_net.dump();
    EXPECT_EQ(n1_net["datagrams_lost"], 1) << n1_net.dump();
    EXPECT_EQ(n1_net["undeliverable"], 0) << n1_net.dump();
    EXPECT_EQ(n2_net["packets_in"], 2) << n2_net.dump();
    EXPECT_EQ(n2_net["packets_out"], 2) << n2_net.dump();
    EXPECT_GE(n2_net["queued_peak_bytes"], service::kNetWireHeader + 5) << n2_net.dump();
    for (const char* zero : {"datagrams_dropped", "malformed"}) EXPECT_EQ(n2_net[zero], 0) << zero;

    // A connection to an address whose node is gone: undeliverable.
    client.publish("luaos.net.10.0.0.2", "not a packet");
    const std::string c = create("n1", "10.0.0.3", "print(net.connect('10.0.0.9', 80))");
    EXPECT_EQ(output_at_exit("n1", c), "nil\tunreachable\n");
    EXPECT_EQ(client.request("luaos.n1.stats", Json::object())["net"]["undeliverable"], 1);
    EXPECT_EQ(client.request("luaos.n2.stats", Json::object())["net"]["malformed"], 1);
}

// A VM on n1 floods a VM on n2 that never reads with datagrams while two
// other VMs talk over a connection. n2's inbound queue holds at most its
// bound of datagrams (the rest is dropped and counted); the connection's
// packets are never dropped, and its 300 messages arrive whole and in order.
TEST_F(NetAcrossNodesTest, DatagramsPastTheInboundBoundAreDroppedAndConnectionsAreNot) {
    constexpr std::size_t kBound = 20 << 10;
    n2.reset();
    service::NodeOptions options = test_node_options(server.url(), "n2");
    options.limits.net_queued_datagram_bytes = kBound;
    n2 = std::make_unique<RunningNode>(options);
    create("n2", "10.0.0.2", "os.sleep(1000000)");
    const std::string echo = create("n2", "10.0.0.3", R"lua(
        local conn = assert(assert(net.listen(80)):accept())
        local good = 0
        for i = 1, 300 do
            if conn:recv() == "m" .. i then good = good + 1 end
        end
        print("good", good)
    )lua");
    const std::string flood = create("n1", "10.0.0.1", R"lua(
        local big = string.rep("x", 8192)
        for tick = 1, 40 do
            for i = 1, 64 do net.send("10.0.0.2", 9, big) end
        end
        print("flooded")
    )lua");
    const std::string talker = create("n1", "10.0.0.4", R"lua(
        local conn = assert(net.connect("10.0.0.3", 80))
        for i = 1, 300 do assert(conn:send("m" .. i)) end
        conn:close()
    )lua");
    EXPECT_EQ(output_at_exit("n1", flood), "flooded\n");
    EXPECT_EQ(output_at_exit("n2", echo), "good\t300\n");
    Json n2_net = client.request("luaos.n2.stats", Json::object())["net"];
    ASSERT_TRUE(n2_net.is_object());
    EXPECT_GT(n2_net["datagrams_dropped"], 0) << n2_net.dump();
    // The queue's peak: at most the bound of datagrams, plus one tick of the
    // connection's packets (300 messages and their header at the most).
    EXPECT_LE(n2_net["queued_peak_bytes"], kBound + 300 * (service::kNetWireHeader + 4)) << n2_net.dump();
    EXPECT_EQ(n2_net["undeliverable"], 0) << n2_net.dump();
}

TEST_F(NetAcrossNodesTest, AnAddressAVmOnAnotherNodeHoldsIsRefusedAndItsHolderKeepsIt) {
    const std::string holder = create("n1", "10.0.0.5", R"lua(
        local d = net.recv()
        print("got", d.data)
    )lua");
    const Json body{{"programs", {{{"name", "main"}, {"code", "net.send('10.0.0.5', 7, 'still yours')"}}}},
                    {"boot", {{{"program", "main"}}}},
                    {"address", "10.0.0.5"}};
    Json refused = client.request("luaos.n2.vm.create", body);
    ASSERT_FALSE(ok(refused)) << refused.dump();
    EXPECT_EQ(refused["error"]["code"], "address_taken") << refused.dump();
    EXPECT_EQ(refused["error"]["message"], "a VM on node n1 has the address 10.0.0.5") << refused.dump();
    EXPECT_EQ(client.request("luaos.n2.vm.list", Json::object())["vms"].size(), 0u);
    // n2 subscribed nothing for it: a datagram from n2 still reaches n1's VM, once.
    create("n2", "10.0.0.6", "net.send('10.0.0.5', 7, 'still yours')");
    EXPECT_EQ(output_at_exit("n1", holder), "got\tstill yours\n");
    EXPECT_EQ(client.request("luaos.n1.stats", Json::object())["net"]["packets_in"], 1);

    // Once its holder is gone, the address is free again.
    ASSERT_TRUE(ok(client.request("luaos.n1.vm." + holder + ".destroy", Json::object())));
    Json again = client.request("luaos.n2.vm.create", body);
    EXPECT_TRUE(ok(again)) << again.dump();
}

// Creates of one address sent to n1 and n2 at once, for many addresses: one
// of each two may be refused, or both, but never are both accepted. Each VM
// made prints its address: no address is printed twice.
TEST_F(NetAcrossNodesTest, TwoCreatesOfOneAddressRacingOnTwoNodesAreNeverBothAccepted) {
    constexpr int kAddresses = 100;
    auto replies = client.watch("race.replies");
    for (int i = 0; i < kAddresses; ++i) {
        const std::string address = "10.0.1." + std::to_string(i);
        const Json body{{"programs", {{{"name", "main"}, {"code", "print('" + address + "')"}}}},
                        {"boot", {{{"program", "main"}}}},
                        {"address", address}};
        for (const char* node : {"n1", "n2"}) {
            client.publish_request("luaos." + std::string(node) + ".vm.create", "race.replies", body.dump());
        }
    }
    int made = 0;
    int refused = 0;
    for (int i = 0; i < 2 * kAddresses; ++i) {
        const Json reply = replies->next();
        ASSERT_TRUE(reply.is_object()) << "reply " << i << " missing";
        if (ok(reply)) {
            ++made;
            continue;
        }
        EXPECT_EQ(reply["error"]["code"], "address_taken") << reply.dump();
        ++refused;
    }
    int printed = 0;
    events->wait_for([&](const Json& event) { return is_event(event, "output") && ++printed == made; });
    std::map<std::string, int> holders;
    for (const Json& event : events->seen()) {
        if (is_event(event, "output")) ++holders[event.value("data", "")];
    }
    EXPECT_EQ(holders.size(), static_cast<std::size_t>(made));
    for (const auto& [address, count] : holders) EXPECT_EQ(count, 1) << address;
    std::cout << "[ race     ] " << made << " of " << kAddresses << " addresses given, " << refused << " refused\n";
}

TEST(NetWire, APacketSurvivesTheTripAndAShortOrBadBodyIsRefused) {
    RemotePacket packet;
    packet.kind = RemotePacket::Kind::Credit;
    packet.latency_ticks = 3;
    packet.to = 0x0A000002;
    packet.to_endpoint = 7;
    packet.to_handle = 9;
    packet.from = 0x0A000001;
    packet.from_endpoint = 11;
    packet.from_handle = 13;
    packet.src_ip = 0x0A000101;
    packet.src_port = 49153;
    packet.dst_port = 80;
    packet.amount = 1ULL << 40;
    packet.data = std::string("a\0b", 3);
    const std::string body = service::encode_packet(packet);
    ASSERT_EQ(body.size(), service::kNetWireHeader + 3);
    const std::optional<RemotePacket> back = service::decode_packet(body);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->kind, packet.kind);
    EXPECT_EQ(back->latency_ticks, 3u);
    EXPECT_EQ(back->to, packet.to);
    EXPECT_EQ(back->to_endpoint, 7u);
    EXPECT_EQ(back->to_handle, 9u);
    EXPECT_EQ(back->from, packet.from);
    EXPECT_EQ(back->from_endpoint, 11u);
    EXPECT_EQ(back->from_handle, 13u);
    EXPECT_EQ(back->src_ip, packet.src_ip);
    EXPECT_EQ(back->src_port, 49153);
    EXPECT_EQ(back->dst_port, 80);
    EXPECT_EQ(back->amount, 1ULL << 40);
    EXPECT_EQ(back->data, packet.data);

    EXPECT_FALSE(service::decode_packet(body.substr(0, service::kNetWireHeader - 1)).has_value());
    std::string bad_kind = body;
    bad_kind[0] = 8;
    EXPECT_FALSE(service::decode_packet(bad_kind).has_value());
    EXPECT_EQ(service::net_subject(0x0A000002), "luaos.net.10.0.0.2");
}

}  // namespace
}  // namespace luaos::service_test
