// The network between VMs: addresses, names, connections, datagrams, and
// the delivery rule (a packet sent in tick T is read in tick T + 1).

#include <gtest/gtest.h>

#include <string>

#include "net/net_support.hpp"

namespace luaos::test {
namespace {

TEST(NetAddress, ParsesAndFormatsDottedQuads) {
    EXPECT_EQ(parse_net_address("10.0.0.1"), 0x0A000001u);
    EXPECT_EQ(parse_net_address("255.255.255.255"), 0xFFFFFFFFu);
    EXPECT_EQ(parse_net_address("0.0.0.0"), 0u);
    for (const char* bad : {"", "10.0.0", "10.0.0.1.", "10.0.0.256", "10.0.0.01", "a.b.c.d", "10..0.1", " 10.0.0.1",
                            "10.0.0.1x", "1.2.3.-4"}) {
        EXPECT_FALSE(parse_net_address(bad).has_value()) << bad;
    }
    EXPECT_EQ(format_net_address(0x0A000001u), "10.0.0.1");
    EXPECT_EQ(format_net_address(0xFFFFFFFFu), "255.255.255.255");
}

TEST(Network, ScriptsListTheirOwnAddresses) {
    NetWorld world;
    VirtualMachine& vm = world.add_vm();
    ASSERT_TRUE(world.cluster.network().set_addresses(vm, {net_address(0), net_address(100)}));
    VirtualMachine& bare = world.add_vm(false);
    auto listed = world.spawn(vm, "print(table.concat(net.addresses(), ' '))");
    auto none = world.spawn(bare, "print(#net.addresses(), net.listen(80)) print(net.connect('10.0.0.1', 80))");
    world.run(10);
    EXPECT_EQ(world.output_of(listed), "10.0.0.1 10.0.0.101\n");
    EXPECT_EQ(world.output_of(none), "0\tnil\tno network address\nnil\tno network address\n");
}

TEST(Network, AnAddressBelongsToOneVm) {
    NetWorld world;
    VirtualMachine& first = world.add_vm();
    VirtualMachine& second = world.add_vm();
    EXPECT_FALSE(world.cluster.network().set_addresses(second, {net_address(0)}));
    EXPECT_EQ(world.cluster.network().addresses(second), std::vector<NetAddress>{net_address(1)});
    EXPECT_TRUE(world.cluster.network().set_addresses(first, {net_address(0), net_address(7)}));
    EXPECT_EQ(world.cluster.network().addresses(first), (std::vector<NetAddress>{net_address(0), net_address(7)}));
}

TEST(Network, NamesResolveToAddresses) {
    NetWorld world;
    world.cluster.network().set_name("money.null", {net_address(4), net_address(5)});
    VirtualMachine& vm = world.add_vm();
    auto key = world.spawn(vm, R"(
        print(net.resolve("money.null"))
        print(net.resolve("10.9.8.7"))
        print(net.resolve("nobody.null"))
    )");
    world.run(10);
    EXPECT_EQ(world.output_of(key), "10.0.0.5\t10.0.0.6\n10.9.8.7\nnil\tunknown name\n");
}

// An echo server on one VM and a client on another, on different worker
// threads: the client sends three messages, binary ones too, and reads each
// echo; then it closes and the server reads the end of the stream.
TEST(Network, EchoesBetweenVmsOnDifferentThreads) {
    NetWorld world({.threads = 2});
    VirtualMachine& server_vm = world.add_vm();
    VirtualMachine& client_vm = world.add_vm();
    auto server = world.spawn(server_vm, R"(
        local listener = assert(net.listen(7))
        local conn = assert(listener:accept())
        local peer, port = conn:peer()
        print("peer", peer, port >= 49152)
        while true do
            local message = conn:recv()
            if message == nil then break end
            assert(conn:send(message))
        end
        print("end of stream")
    )");
    auto client = world.spawn(client_vm, R"(
        local conn, why = net.connect("10.0.0.1", 7)
        assert(conn, why)
        print("peer", conn:peer())
        for _, message in ipairs({"hello", "\0\1\255binary\0", string.rep("x", 1000)}) do
            assert(conn:send(message))
            assert(conn:recv() == message)
        end
        conn:close()
        print("done")
    )");
    world.run(100);
    EXPECT_EQ(world.output_of(server), "peer\t10.0.0.2\ttrue\nend of stream\n");
    EXPECT_EQ(world.output_of(client), "peer\t10.0.0.1\t7\ndone\n");
}

// The delivery rule: a datagram sent in tick T is read in tick T + 1, and a
// connection takes two ticks to open (the Connect, then its answer).
TEST(Network, APacketSentInOneTickIsReadInTheNext) {
    NetWorld world({.threads = 2});
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    auto receiver = world.spawn(b, "local d = net.recv() print(d.data, d.src_ip, d.dst_port)");
    auto sender = world.spawn(a, "os.yield() net.send('10.0.0.2', 53, 'ping')");
    world.tick();  // tick 1: the receiver waits
    world.tick();  // tick 2: sent
    EXPECT_EQ(world.exit_of(sender).tick, 2u);
    world.tick();  // tick 3: read
    EXPECT_EQ(world.exit_of(receiver).tick, 3u);
    EXPECT_EQ(world.output_of(receiver), "ping\t10.0.0.1\t53\n");
}

TEST(Network, ConnectingTakesTwoTicks) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, "local l = net.listen(80) l:accept() os.sleep(10)");
    auto client = world.spawn(b, "os.yield() assert(net.connect('10.0.0.1', 80))");
    world.tick();  // tick 1: listening
    world.tick();  // tick 2: Connect sent
    world.tick();  // tick 3: the server's VM took it between ticks 2 and 3; its answer goes now
    world.tick();  // tick 4: the client reads the answer
    EXPECT_EQ(world.exit_of(client).tick, 4u);
}

TEST(Network, RefusedUnreachableAndTimedOutAreNilAndAReason) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, "local l = net.listen(80) os.sleep(20)");
    auto client = world.spawn(b, R"(
        print(net.connect("10.0.0.1", 81))
        print(net.connect("10.0.0.99", 80))
        print(net.connect("nowhere.null", 80))
        print(net.recv(3))
        print(net.connect("10.0.0.1", 80, 0))
        local l = net.listen(0)
        print(l:accept(2))
        print(l:accept(0))
    )");
    world.run(100);
    EXPECT_EQ(world.output_of(client),
              "nil\trefused\nnil\tunreachable\nnil\tunknown name\nnil\ttimed out\nnil\ttimed out\n"
              "nil\ttimed out\nnil\ttimed out\n");
    EXPECT_EQ(world.cluster.network().stats().connections_refused, 1u);
    EXPECT_EQ(world.cluster.network().stats().connections_unreachable, 1u);
}

TEST(Network, ListenPortsAreTheVmsAndZeroPicksAFreeOne) {
    NetWorld world;
    VirtualMachine& vm = world.add_vm();
    auto key = world.spawn(vm, R"(
        local l = assert(net.listen(80))
        print(l:port(), net.listen(80))
        local any = assert(net.listen(0))
        print(any:port() >= 49152, any:port() ~= l:port())
        l:close()
        print(l:port(), l:accept(0))
        print(net.listen(80) ~= nil)
    )");
    world.run(10);
    EXPECT_EQ(world.output_of(key), "80\tnil\tport in use\ntrue\ttrue\nnil\tnil\tclosed\ntrue\n");
}

// The server writes three messages and closes at once: the client still
// reads all three, then the end of the stream (nil), and sending fails.
TEST(Network, APeerThatClosedLeavesWhatItSentToBeRead) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, R"(
        local conn = net.listen(80):accept()
        conn:send("one") conn:send("two") conn:send("three")
        conn:close()
    )");
    auto client = world.spawn(b, R"(
        local conn = assert(net.connect("10.0.0.1", 80))
        os.sleep(5)
        print(conn:recv(), conn:recv(), conn:recv(), conn:recv())
        print(conn:send("late"))
    )");
    world.run(100);
    EXPECT_EQ(world.output_of(client), "one\ttwo\tthree\tnil\nnil\tclosed\n");
}

TEST(Network, APeerKilledMidTransferEndsTheStream) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    auto server = world.spawn(a, R"(
        local conn = net.listen(80):accept()
        local n = 0
        while true do n = n + 1 conn:send("chunk " .. n) os.yield() end
    )");
    auto client = world.spawn(b, R"(
        local conn = assert(net.connect("10.0.0.1", 80))
        local count, last = 0, nil
        while true do
            local message = conn:recv()
            if message == nil then break end
            count = count + 1
            assert(message == "chunk " .. count, message)
        end
        print("stream ended after", count > 0)
    )");
    for (int i = 0; i < 10; ++i) world.tick();
    EXPECT_TRUE(a.os().kill(server.second));
    world.run(100);
    EXPECT_EQ(world.output_of(client), "stream ended after\ttrue\n");
}

// A client connected to the listener on 10.0.0.1, whose VM then ends: on its
// own (its only process returns) or destroyed by the host. What the client
// printed: the listener's greeting, the end of the stream, and what a new
// connection to the address meets.
std::string peer_of_a_vm_that_ends(unsigned threads, bool destroyed) {
    NetWorld world(ClusterOptions{.threads = threads});
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, destroyed ? "local conn = net.listen(80):accept() conn:send('bye') while true do os.sleep(1000) end"
                             : "local conn = net.listen(80):accept() conn:send('bye') os.sleep(3)");
    auto client = world.spawn(b, R"(
        local conn = assert(net.connect("10.0.0.1", 80))
        print(conn:recv(), conn:recv())
        os.sleep(3)
        print(net.connect("10.0.0.1", 80))
    )");
    if (destroyed) {
        for (int i = 0; i < 10; ++i) world.tick();
        EXPECT_TRUE(world.cluster.destroy_vm(a.handle()));
    }
    world.run(100);
    return world.output_of(client);
}

// The listener's VM ends (its only process returns): its open connection
// ends for the peer, and its address no longer answers.
TEST(Network, ADestroyedVmsConnectionsEndAndItsAddressIsUnreachable) {
    EXPECT_EQ(peer_of_a_vm_that_ends(1, false), "bye\tnil\nnil\tunreachable\n");
}

// The host destroys the listener's VM while a peer is connected to it, on
// the same shard and on another thread's: the same (the VM's endpoint goes
// as a finished VM's does).
TEST(Network, APeerOfAVmTheHostDestroysLearnsItIsGone) {
    EXPECT_EQ(peer_of_a_vm_that_ends(1, true), "bye\tnil\nnil\tunreachable\n");
    EXPECT_EQ(peer_of_a_vm_that_ends(2, true), "bye\tnil\nnil\tunreachable\n");
}

// The connector's VM is destroyed while its connection is being accepted:
// the listener's side hears the end of the stream rather than waiting forever.
TEST(Network, AConnectorDestroyedWhileConnectingClosesTheAcceptedEnd) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    auto server = world.spawn(a, "local conn = net.listen(80):accept() print(conn:recv())");
    auto client = world.spawn(b, "net.connect('10.0.0.1', 80)");
    world.tick();  // the client's Connect is sent
    EXPECT_TRUE(b.os().kill(client.second));
    world.run(20);
    EXPECT_EQ(world.output_of(server), "nil\n");
}

// A slow reader: the writer sends 300 messages of 1 KiB over a connection
// whose receiver buffers 4 KiB; it waits whenever the buffer is full (while
// the reader sleeps, it has nothing else to do), and the reader gets every
// message in order.
TEST(Network, AFullReceiveBufferMakesTheSenderWaitAndLosesNothing) {
    ClusterOptions options{.threads = 2};
    options.network.limits.connection_bytes = 4096;
    NetWorld world(options);
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    auto writer = world.spawn(a, R"(
        local conn = net.listen(80):accept()
        for i = 1, 300 do assert(conn:send(string.format("%04d", i) .. string.rep("x", 1020))) end
        conn:close()
        print("sent")
    )");
    auto reader = world.spawn(b, R"(
        local conn = assert(net.connect("10.0.0.1", 80))
        os.sleep(20)
        local count = 0
        while true do
            local message = conn:recv()
            if message == nil then break end
            count = count + 1
            assert(#message == 1024 and tonumber(message:sub(1, 4)) == count, "out of order at " .. count)
            if count % 10 == 0 then os.sleep(1) end
        end
        print("read", count)
    )");
    for (int i = 0; i < 15; ++i) world.tick();
    EXPECT_EQ(a.os().state(writer.second), ProcessState::Waiting) << "the writer waits for the reader";
    world.run(2000);
    EXPECT_EQ(world.output_of(writer), "sent\n");
    EXPECT_EQ(world.output_of(reader), "read\t300\n");
}

TEST(Network, DatagramsCarryTheirAddressesAndPorts) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    auto server = world.spawn(a, R"(
        local d = net.recv()
        print(d.src_ip, d.dst_port, d.data)
        net.send(d.src_ip, d.src_port, "pong:" .. d.data)
    )");
    auto client = world.spawn(b, R"(
        net.send("10.0.0.1", 5353, "ping\0")
        local d = net.recv(50)
        print(d.src_ip, d.src_port, d.data == "pong:ping\0")
    )");
    world.run(100);
    EXPECT_EQ(world.output_of(server), std::string("10.0.0.2\t5353\tping") + '\0' + "\n");
    // A process sends its datagrams from a port of its own: 49152 + its PID.
    EXPECT_EQ(world.output_of(client), "10.0.0.1\t49153\ttrue\n");
}

// Sockets belong to the process that opened them: when it ends they close,
// and its port can be listened on again.
TEST(Network, AnEndedProcessesSocketsClose) {
    NetWorld world;
    VirtualMachine& vm = world.add_vm();
    VirtualMachine& other = world.add_vm();
    auto first = world.spawn(vm, "net.listen(80) os.sleep(2)");
    auto second = world.spawn(vm, "os.sleep(4) print(net.listen(80) ~= nil)");
    world.spawn(other, "os.sleep(8)");
    world.run(100);
    EXPECT_EQ(world.exit_of(first).status, ProcessStatus::Finished);
    EXPECT_EQ(world.output_of(second), "true\n");
}

TEST(Network, BadArgumentsNameTheFunction) {
    NetWorld world;
    VirtualMachine& vm = world.add_vm();
    const std::pair<const char*, const char*> cases[] = {
        {"net.listen(-1)", "bad argument #1 to 'listen' (port out of range)"},
        {"net.listen('x')", "bad argument #1 to 'listen' (number expected, got string)"},
        {"net.connect()", "bad argument #1 to 'connect' (string expected, got no value)"},
        {"net.connect('10.0.0.1', 0)", "bad argument #2 to 'connect' (port out of range)"},
        {"net.connect('10.0.0.1', 80, -1)", "bad argument #3 to 'connect' (timeout must not be negative)"},
        {"net.send('10.0.0.1', 70000, 'x')", "bad argument #2 to 'send' (port out of range)"},
        {"net.send('10.0.0.1', 80)", "bad argument #3 to 'send' (string expected, got no value)"},
        {"net.recv(-1)", "bad argument #1 to 'recv' (timeout must not be negative)"},
        {"net.resolve()", "bad argument #1 to 'resolve' (string expected, got no value)"},
        {"local l = net.listen(80) l:accept({})", "bad argument #1 to 'accept' (number expected, got table)"},
        {"net.listen(81).accept()", "bad argument #1 to 'accept' (luaos.net.listener expected, got no value)"},
        {"local l = net.listen(82) l.send(l, 'x')", "attempt to call a nil value (field 'send')"},
        {"net.send('10.0.0.1', 80, string.rep('x', 9000))", "net.send: datagram too large (the limit is 8192 bytes)"},
        {"net.addresses = 1", "read-only"},
    };
    std::vector<std::pair<std::uint64_t, Pid>> keys;
    for (const auto& [code, expected] : cases) keys.push_back(world.spawn(vm, code));
    world.run(10);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        NetExit exit = world.exit_of(keys[i]);
        EXPECT_EQ(exit.status, ProcessStatus::Failed) << cases[i].first;
        EXPECT_NE(exit.error.find(cases[i].second), std::string::npos) << cases[i].first << " -> " << exit.error;
    }
}

TEST(Network, AConnectionMessageLargerThanTheBufferIsAnError) {
    NetWorld world;
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, "local conn = net.listen(80):accept() os.sleep(5)");
    auto client = world.spawn(b, "local conn = net.connect('10.0.0.1', 80) conn:send(string.rep('x', 65537))");
    world.run(100);
    EXPECT_NE(world.exit_of(client).error.find("connection:send: message too large (the limit is 65536 bytes)"),
              std::string::npos);
}

// The game's rules: a firewall that rejects port 22 and drops port 23, and a
// NAT that shows 10.0.0.2 as 192.168.0.1 to the listener; both ways with a
// latency of 3 ticks.
class Rules final : public NetPolicy {
public:
    NetVerdict decide(NetFlow& flow) override {
        ++decisions;
        if (flow.dst_port == 22) return {NetAction::Reject};
        if (flow.dst_port == 23) return {NetAction::Drop};
        if (flow.src_ip == net_address(1)) flow.src_ip = *parse_net_address("192.168.0.1");
        return {NetAction::Allow, latency};
    }
    int decisions = 0;
    std::uint32_t latency = 0;
};

TEST(NetPolicy, AFirewallRuleBlocksOnePort) {
    NetWorld world;
    Rules rules;
    world.cluster.network().set_policy(&rules);
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, R"(
        local ssh, telnet, web = net.listen(22), net.listen(23), net.listen(80)
        local conn = web:accept()
        print(conn:recv())
    )");
    auto client = world.spawn(b, R"(
        print(net.connect("10.0.0.1", 22))
        print(net.connect("10.0.0.1", 23, 5))
        local web = assert(net.connect("10.0.0.1", 80))
        web:send("through")
    )");
    world.run(100);
    EXPECT_EQ(world.output_of(client), "nil\trefused\nnil\ttimed out\n");
    EXPECT_EQ(rules.decisions, 3);
}

TEST(NetPolicy, ANatRuleRewritesTheSource) {
    NetWorld world;
    Rules rules;
    world.cluster.network().set_policy(&rules);
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    auto server = world.spawn(a, R"(
        local conn = net.listen(80):accept()
        print(conn:peer())
        conn:send("reply")
        local d = net.recv()
        print(d.src_ip, d.data)
    )");
    auto client = world.spawn(b, R"(
        local conn = assert(net.connect("10.0.0.1", 80))
        print(conn:recv(), conn:peer())
        net.send("10.0.0.1", 53, "datagram")
    )");
    world.run(100);
    const std::string server_output = world.output_of(server);
    EXPECT_EQ(server_output.substr(0, server_output.find('\t')), "192.168.0.1");
    EXPECT_NE(server_output.find("\n192.168.0.1\tdatagram\n"), std::string::npos) << server_output;
    EXPECT_EQ(world.output_of(client), "reply\t10.0.0.1\t80\n");
}

// Latency: 3 ticks more on every packet of the connection, both ways.
TEST(NetPolicy, LatencyDelaysEveryPacketOfTheConnection) {
    NetWorld world;
    Rules rules;
    rules.latency = 3;
    world.cluster.network().set_policy(&rules);
    VirtualMachine& a = world.add_vm();
    VirtualMachine& b = world.add_vm();
    world.spawn(a, "local conn = net.listen(80):accept() conn:send(conn:recv()) os.sleep(50)");
    auto client = world.spawn(b, R"(
        os.yield()
        local conn = assert(net.connect("10.0.0.1", 80))
        conn:send("x")
        assert(conn:recv() == "x")
    )");
    world.run(100);
    // Without latency: connect sent in tick 2, answered in 4; request sent in
    // 4, read in 5 and answered; response read in 6. Four packets, 3 ticks each.
    EXPECT_EQ(world.exit_of(client).tick, 6u + 4 * 3);
}

}  // namespace
}  // namespace luaos::test
