// Every network limit hit by a hostile script, while a bystander pair of VMs
// keeps its traffic: its twenty round trips end in the very tick they end in
// when nobody floods (ticks are counted, not timed, so this is exact).

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "net/net_support.hpp"

namespace luaos::test {
namespace {

constexpr const char* kBystanderServer = R"(
    local conn = net.listen(7):accept()
    while true do
        local message = conn:recv()
        if message == nil then break end
        conn:send(message)
    end
)";
constexpr const char* kBystanderClient = R"(
    os.yield()
    local conn = assert(net.connect("10.0.0.1", 7))
    for i = 1, 20 do
        conn:send("ping " .. i)
        assert(conn:recv() == "ping " .. i)
    end
    conn:close()
    print("bystander ok")
)";

// VM 0 (10.0.0.1) and VM 1 (10.0.0.2) are the bystanders; VM 2 (10.0.0.3)
// runs the hostile script, VM 3 (10.0.0.4) its victim, if any.
struct Flood {
    NetWorld world;
    std::pair<std::uint64_t, Pid> bystander;
    std::pair<std::uint64_t, Pid> hostile;
    std::optional<std::pair<std::uint64_t, Pid>> victim;
    VirtualMachine* hostile_vm = nullptr;

    Flood(const NetLimits& limits, const char* hostile_code, const char* victim_code)
        : world(ClusterOptions{.threads = 2, .network = {.limits = limits}}) {
        VirtualMachine& server = world.add_vm();
        VirtualMachine& client = world.add_vm();
        hostile_vm = &world.add_vm();
        VirtualMachine& target = world.add_vm();
        world.spawn(server, kBystanderServer);
        bystander = world.spawn(client, kBystanderClient);
        hostile = world.spawn(*hostile_vm, hostile_code);
        if (victim_code != nullptr) victim = world.spawn(target, victim_code);
    }

    // Ticks `ticks` times; the bystander must be done by then.
    void run(int ticks) {
        for (int i = 0; i < ticks; ++i) world.tick();
    }
    std::string hostile_output() const {
        const Process* process = hostile_vm->os().find(hostile.second);
        return process != nullptr ? process->output() : world.exit_of(hostile).output;
    }
};

// The tick the bystander client ends in, with nobody else on the network.
std::uint64_t quiet_bystander_tick(const NetLimits& limits) {
    Flood quiet(limits, "os.sleep(100)", nullptr);
    quiet.run(60);
    EXPECT_EQ(quiet.world.output_of(quiet.bystander), "bystander ok\n");
    return quiet.world.exit_of(quiet.bystander).tick;
}

void expect_bystander_unharmed(const Flood& flood, std::uint64_t quiet_tick) {
    EXPECT_EQ(flood.world.output_of(flood.bystander), "bystander ok\n");
    EXPECT_EQ(flood.world.exit_of(flood.bystander).tick, quiet_tick) << "the flood slowed the bystander's traffic";
}

constexpr const char* kAcceptingVictim = R"(
    local listener = net.listen(80)
    local held = {}
    while true do held[#held + 1] = listener:accept() end
)";

TEST(NetLimits, ConnectionsPerProcessAndPerVm) {
    NetLimits limits;
    limits.connections_per_process = 4;
    limits.connections_per_vm = 10;
    limits.source_share_percent = 100;  // the hostile VM is the victim's only source (NetFairShare.*)
    const std::uint64_t quiet = quiet_bystander_tick(limits);
    // The victim holds the connections in three processes, one per port,
    // each within its own limits.
    Flood flood(limits, R"(
        local child = [[
            local port = tonumber(...)
            local n, held = 0, {}
            while true do
                local conn, why = net.connect("10.0.0.4", port)
                if not conn then print(n, why) os.sleep(1000) end
                n = n + 1
                held[n] = conn
            end
        ]]
        for port = 80, 82 do
            os.spawn_source(child, {port})
            os.sleep(15)
        end
        os.sleep(50)
    )", R"(
        local acceptor = [[
            local listener, held = net.listen(tonumber(...)), {}
            while true do held[#held + 1] = listener:accept() end
        ]]
        for port = 80, 82 do os.spawn_source(acceptor, {port}) end
        os.sleep(1000)
    )");
    flood.run(60);
    expect_bystander_unharmed(flood, quiet);
    // Two children stop at the process's limit, the last at the VM's (4 + 4 + 2);
    // each holds its connections while it lives. A child prints into its
    // parent's output.
    EXPECT_EQ(flood.hostile_output(), "4\ttoo many connections\n4\ttoo many connections\n2\ttoo many connections\n");
}

TEST(NetLimits, ListenersPerProcessAndPerVm) {
    NetLimits limits;
    limits.listeners_per_process = 3;
    limits.listeners_per_vm = 5;
    const std::uint64_t quiet = quiet_bystander_tick(limits);
    Flood flood(limits, R"(
        local child = [[
            local n, held = 0, {}
            while true do
                local listener, why = net.listen(0)
                if not listener then print(n, why) os.sleep(1000) end
                n = n + 1
                held[n] = listener
            end
        ]]
        os.spawn_source(child)
        os.sleep(2)
        os.spawn_source(child)
        os.sleep(50)
    )", nullptr);
    flood.run(60);
    expect_bystander_unharmed(flood, quiet);
    EXPECT_EQ(flood.hostile_output(), "3\ttoo many listeners\n2\ttoo many listeners\n");
}

// The victim accepts and never reads: the hostile sender fills the
// connection's buffer, then waits; nothing more is sent or held.
TEST(NetLimits, BufferedBytesPerConnection) {
    NetLimits limits;
    limits.connection_bytes = 4096;
    const std::uint64_t quiet = quiet_bystander_tick(limits);
    Flood flood(limits, R"(
        local conn = assert(net.connect("10.0.0.4", 80))
        local n = 0
        while true do
            conn:send(string.rep("x", 1024))
            n = n + 1
            print(n)
        end
    )", kAcceptingVictim);
    flood.run(60);
    expect_bystander_unharmed(flood, quiet);
    EXPECT_EQ(flood.hostile_output(), "1\n2\n3\n4\n");
    EXPECT_EQ(flood.hostile_vm->os().state(flood.hostile.second), ProcessState::Waiting);
}

// Over four connections whose buffers would take 16 KiB, the VM may have
// only 6 KiB unread: the sender waits after six messages.
TEST(NetLimits, SentBytesPerVm) {
    NetLimits limits;
    limits.connection_bytes = 4096;
    limits.vm_sent_bytes = 6144;
    const std::uint64_t quiet = quiet_bystander_tick(limits);
    Flood flood(limits, R"(
        local conns = {}
        for i = 1, 4 do conns[i] = assert(net.connect("10.0.0.4", 80)) end
        local n = 0
        while true do
            conns[n % 4 + 1]:send(string.rep("x", 1024))
            n = n + 1
            print(n)
        end
    )", kAcceptingVictim);
    flood.run(60);
    expect_bystander_unharmed(flood, quiet);
    EXPECT_EQ(flood.hostile_output(), "1\n2\n3\n4\n5\n6\n");
    EXPECT_EQ(flood.hostile_vm->os().state(flood.hostile.second), ProcessState::Waiting);
}

// A datagram flood: the sender gets datagrams_per_tick a tick and waits for
// the next; the victim's queue holds datagram_queue and the rest is dropped,
// counted.
TEST(NetLimits, DatagramsPerTickAndTheQueue) {
    NetLimits limits;
    limits.datagrams_per_tick = 8;
    limits.datagram_queue = 20;
    const std::uint64_t quiet_tick = quiet_bystander_tick(limits);
    std::uint64_t quiet_packets = 0;
    {
        Flood quiet(limits, "os.sleep(100)", nullptr);
        quiet.run(30);
        quiet_packets = quiet.world.cluster.network().stats().packets_routed;
    }
    Flood flood(limits, "while true do net.send('10.0.0.4', 53, 'flood') end", R"(
        os.sleep(40)
        local n = 0
        while net.recv(0) do n = n + 1 end
        print("queued", n)
    )");
    flood.run(30);
    EXPECT_EQ(flood.world.cluster.network().stats().packets_routed, quiet_packets + 30 * 8)
        << "8 datagrams a tick, no more";
    EXPECT_EQ(flood.hostile_vm->os().state(flood.hostile.second), ProcessState::Running);
    flood.run(30);
    expect_bystander_unharmed(flood, quiet_tick);
    EXPECT_EQ(flood.world.output_of(*flood.victim), "queued\t20\n");
    EXPECT_GT(flood.world.cluster.network().stats().datagrams_dropped, 0u);
}

// A stream of one-byte messages to an accomplice that reads them all at
// once: without a budget the sender would put tens of thousands of packets a
// tick into the network (its credit allows 64 KiB of them). It gets
// packets_per_tick a tick and waits for the next; the reader's credit comes
// back as one packet per tick, whatever the number of messages it read.
TEST(NetLimits, PacketsPerTick) {
    NetLimits limits;
    limits.packets_per_tick = 50;
    const std::uint64_t quiet_tick = quiet_bystander_tick(limits);
    Flood flood(limits, R"(
        local conn = assert(net.connect("10.0.0.4", 80))
        while true do conn:send("x") end
    )", R"(
        local conn = net.listen(80):accept()
        local n = 0
        while conn:recv() do n = n + 1 end
    )");
    flood.run(20);  // the bystander's pair and the flood are running at their pace
    const std::uint64_t routed = flood.world.cluster.network().stats().packets_routed;
    flood.run(10);
    const std::uint64_t flood_packets = flood.world.cluster.network().stats().packets_routed - routed;
    // Per tick: the flood's 50 messages and their one credit, and the
    // bystanders' two (a round trip takes two ticks: ping, pong, and a credit
    // for each).
    EXPECT_EQ(flood_packets, 10u * (50 + 1 + 2)) << "50 messages and one credit a tick, no more";
    EXPECT_EQ(flood.hostile_vm->os().state(flood.hostile.second), ProcessState::Running);
    flood.run(30);
    expect_bystander_unharmed(flood, quiet_tick);
}

// A flood of connections opened and dropped at once (net.connect with
// timeout 0): the VM opens connects_per_tick a tick and then waits for its
// next tick. Each costs four packets: Connect, Accepted, the connector's
// Close (it gave up) and the victim's (it accepted and closed).
TEST(NetLimits, ConnectsPerTick) {
    NetLimits limits;
    limits.connects_per_tick = 4;
    const std::uint64_t quiet_tick = quiet_bystander_tick(limits);
    Flood flood(limits, R"(
        while true do net.connect("10.0.0.4", 80, 0) end
    )", R"(
        local listener = net.listen(80)
        while true do listener:accept():close() end
    )");
    flood.run(20);
    const std::uint64_t routed = flood.world.cluster.network().stats().packets_routed;
    flood.run(10);
    const std::uint64_t flood_packets = flood.world.cluster.network().stats().packets_routed - routed;
    EXPECT_EQ(flood_packets, 10u * (4 * 4 + 2)) << "4 connections a tick, no more";
    EXPECT_EQ(flood.hostile_vm->os().state(flood.hostile.second), ProcessState::Running);
    flood.run(30);
    expect_bystander_unharmed(flood, quiet_tick);
}

}  // namespace
}  // namespace luaos::test
