// One VM cannot deny another VM's service by filling its connection table:
// the connections from one source (the endpoint that opened them, whatever
// address the policy shows) may hold at most NetLimits::source_share_percent
// of the receiving VM's table and of the listening process's. Past it that
// source is refused, and only it. A connection dropped before it was
// accepted, with nothing in it to read, leaves the listener's queue at once.

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "net/net_support.hpp"

namespace luaos::test {
namespace {

// 10.0.0.1 is the victim, 10.0.0.2 the hostile VM, 10.0.0.3 the bystander.
// The victim accepts nothing for 100 ticks (the hostile VM does what it may
// to its queue meanwhile), then accepts whatever waits, answers what each
// connection brought, and prints it.
constexpr const char* kVictim = R"(
    local listener = net.listen(80)
    os.sleep(100)
    local held = {}
    while true do
        local conn = listener:accept(0)
        if not conn then break end
        held[#held + 1] = conn
        local message = conn:recv(0)
        print("accepted", message)
        if message then conn:send("echo " .. message) end
    end
    os.sleep(1000)
)";

// Connects once the hostile VM had 40 ticks to flood (enough to open 16
// connections), sends, and waits for the answer: which comes once the victim
// accepts.
constexpr const char* kBystander = R"(
    os.sleep(40)
    local conn, why = net.connect("10.0.0.1", 80)
    if not conn then print("bystander", why) return end
    conn:send("hello")
    print(conn:recv(), (conn:peer()))
)";

// Opens connections and holds them until it is refused.
constexpr const char* kHolder = R"(
    local held = {}
    while true do
        local conn, why = net.connect("10.0.0.1", 80)
        if not conn then print(#held, why) break end
        held[#held + 1] = conn
    end
    os.sleep(1000)
)";

// Opens connections and drops each as soon as it is open, then drops a burst
// without waiting for them to open (a connect with a timeout of 0 gives up
// at once), then opens and drops again.
constexpr const char* kDropper = R"(
    local function open_and_drop(label)
        for i = 1, 20 do
            local conn, why = net.connect("10.0.0.1", 80)
            if not conn then print(label, "refused at", i, why) os.sleep(1000) end
            conn:close()
        end
        print(label, 20)
    end
    open_and_drop("dropped")
    for i = 1, 20 do net.connect("10.0.0.1", 80, 0) end
    os.sleep(5)
    open_and_drop("dropped again")
    os.sleep(1000)
)";

// Every connection seems to come from 192.168.0.1 (a NAT in front of the victim).
struct OneSourceAddress final : NetPolicy {
    int decisions = 0;
    NetVerdict decide(NetFlow& flow) override {
        ++decisions;
        flow.src_ip = *parse_net_address("192.168.0.1");
        return {};
    }
};

// A table of 16 connections in the VM and in the listening process, a
// share of 25%: one source may hold 4 of them.
NetLimits small_table() {
    NetLimits limits;
    limits.connections_per_vm = 16;
    limits.connections_per_process = 16;
    limits.source_share_percent = 25;
    return limits;
}

struct FairShare {
    NetWorld world;
    VirtualMachine* victim_vm = nullptr;
    VirtualMachine* hostile_vm = nullptr;
    std::pair<std::uint64_t, Pid> victim;
    std::pair<std::uint64_t, Pid> hostile;
    std::pair<std::uint64_t, Pid> bystander;

    FairShare(const NetLimits& limits, const char* hostile_code, NetPolicy* policy = nullptr)
        : world(ClusterOptions{.threads = 2, .network = {.limits = limits}}) {
        world.cluster.network().set_policy(policy);
        victim_vm = &world.add_vm();
        hostile_vm = &world.add_vm();
        VirtualMachine& bystander_vm = world.add_vm();
        victim = world.spawn(*victim_vm, kVictim);
        hostile = world.spawn(*hostile_vm, hostile_code);
        bystander = world.spawn(bystander_vm, kBystander);
        for (int tick = 0; tick < 130; ++tick) world.tick();
    }
    static std::string output_so_far(VirtualMachine& vm, Pid pid) {
        const Process* process = vm.os().find(pid);
        return process == nullptr ? "(ended)" : process->output();
    }
    std::string victim_output() const { return output_so_far(*victim_vm, victim.second); }
    std::string hostile_output() const { return output_so_far(*hostile_vm, hostile.second); }
};

TEST(NetFairShare, TheDefaultShareIsAQuarter) {
    EXPECT_EQ(NetLimits{}.source_share_percent, 25u);
    Cluster cluster;
    EXPECT_EQ(cluster.network().limits().source_share_percent, 25u);
}

TEST(NetFairShare, AShareOutsideOneToAHundredIsRefused) {
    for (std::uint32_t bad : {0u, 101u, 1000u}) {
        NetLimits limits;
        limits.source_share_percent = bad;
        try {
            Cluster cluster(ClusterOptions{.network = {.limits = limits}});
            ADD_FAILURE() << "a share of " << bad << "% was taken";
        } catch (const std::invalid_argument& error) {
            EXPECT_EQ(std::string(error.what()),
                      "luaos: NetLimits::source_share_percent must be from 1 to 100, got " + std::to_string(bad));
        }
    }
    for (std::uint32_t good : {1u, 100u}) {
        NetLimits limits;
        limits.source_share_percent = good;
        Cluster cluster(ClusterOptions{.network = {.limits = limits}});
        EXPECT_EQ(cluster.network().limits().source_share_percent, good);
    }
}

// The hostile VM opens connections and holds them: it gets its share (4 of
// 16) and is refused; the bystander still gets in, is accepted and answered.
TEST(NetFairShare, AVmHoldingConnectionsGetsItsShareAndTheBystanderGetsIn) {
    FairShare flood(small_table(), kHolder);
    EXPECT_EQ(flood.hostile_output(), "4\trefused\n");
    EXPECT_EQ(flood.world.output_of(flood.bystander), "echo hello\t10.0.0.1\n");
    EXPECT_EQ(flood.victim_output(), "accepted\tnil\naccepted\tnil\naccepted\tnil\naccepted\tnil\naccepted\thello\n");
}

// A share of 100% is the whole table: the same flood, from two processes
// (one may hold only 16 connections of its own), takes all 16 of the
// listening process's and the bystander is refused: the setting decides.
TEST(NetFairShare, AShareOfAHundredLetsOneVmTakeTheTable) {
    NetLimits limits = small_table();
    limits.connections_per_vm = 32;
    limits.source_share_percent = 100;
    FairShare flood(limits, R"(
        local holder = [[
            local held = {}
            while true do
                local conn, why = net.connect("10.0.0.1", 80)
                if not conn then print(why) break end
                held[#held + 1] = conn
            end
            os.sleep(1000)
        ]]
        os.spawn_source(holder)
        os.spawn_source(holder)
        os.sleep(1000)
    )");
    EXPECT_EQ(flood.hostile_output(), "refused\nrefused\n");
    EXPECT_EQ(flood.world.output_of(flood.bystander), "bystander\trefused\n");
    std::string sixteen;
    for (int i = 0; i < 16; ++i) sixteen += "accepted\tnil\n";
    EXPECT_EQ(flood.victim_output(), sixteen);
}

// The share goes by the endpoint that opened the connection, not the source
// address the receiver sees: behind a NAT that shows everyone as one
// address, the hostile VM still gets only its share and the bystander its own.
TEST(NetFairShare, TheShareGoesByTheSendingVmNotTheAddressThePolicyShows) {
    OneSourceAddress nat;
    FairShare flood(small_table(), kHolder, &nat);
    EXPECT_EQ(flood.hostile_output(), "4\trefused\n");
    EXPECT_EQ(flood.world.output_of(flood.bystander), "echo hello\t10.0.0.1\n");
    EXPECT_EQ(nat.decisions, 6);  // the hostile VM's 5 connects and the bystander's
}

// Connections opened and dropped before the victim accepts leave nothing in
// its queue: the hostile VM opens 40 (and drops 20 more unopened) without
// ever being refused, and the victim finds only the bystander's.
TEST(NetFairShare, ConnectionsDroppedBeforeBeingAcceptedLeaveTheQueue) {
    FairShare flood(small_table(), kDropper);
    EXPECT_EQ(flood.hostile_output(), "dropped\t20\ndropped again\t20\n");
    EXPECT_EQ(flood.world.output_of(flood.bystander), "echo hello\t10.0.0.1\n");
    EXPECT_EQ(flood.victim_output(), "accepted\thello\n");
}

// A connection dropped after sending still holds what it sent: it stays in
// the queue until accepted, and the server reads it, then the end.
TEST(NetFairShare, AConnectionDroppedWithDataWaitsToBeAccepted) {
    NetWorld world;
    VirtualMachine& server_vm = world.add_vm();
    VirtualMachine& client_vm = world.add_vm();
    auto server = world.spawn(server_vm, R"(
        local listener = net.listen(80)
        os.sleep(20)
        local conn = listener:accept(0)
        print(conn:recv(0), conn:recv(0), listener:accept(0))
    )");
    world.spawn(client_vm, R"(
        local conn = assert(net.connect("10.0.0.1", 80))
        conn:send("last words")
        conn:close()
    )");
    world.run(60);
    EXPECT_EQ(world.output_of(server), "last words\tnil\tnil\ttimed out\n");
}

// A connection arriving wakes the listening process only if it waits in
// accept on that listener: a server parked in conn:recv is not given a
// slice for each connection a flood opens to it.
TEST(NetFairShare, AnIncomingConnectionWakesOnlyAProcessWaitingInAccept) {
    NetWorld world;
    VirtualMachine& server_vm = world.add_vm();
    VirtualMachine& client_vm = world.add_vm();
    auto server = world.spawn(server_vm, R"(
        local listener = net.listen(80)
        local conn = listener:accept()
        conn:recv()
    )");
    world.spawn(client_vm, R"(
        local first = assert(net.connect("10.0.0.1", 80))
        os.sleep(10)
        local held = {}
        for i = 1, 10 do held[i] = assert(net.connect("10.0.0.1", 80)) end
        os.sleep(1000)
    )");
    for (int tick = 0; tick < 8; ++tick) world.tick();
    const Process* process = server_vm.os().find(server.second);
    ASSERT_NE(process, nullptr);
    const std::uint64_t parked_slices = process->stats().slices;
    for (int tick = 0; tick < 40; ++tick) world.tick();
    EXPECT_EQ(process->stats().slices, parked_slices) << "woken by connections it does not wait for";
}

// Across clusters every remote endpoint (its address there and its number)
// is a source of its own: one remote VM gets its share, another on the same
// node, or at another address, still gets in.
TEST(NetFairShare, EachRemoteEndpointIsASource) {
    NetWorld world(ClusterOptions{.network = {.limits = small_table()}});
    world.cluster.network().set_remote_routing(true);
    VirtualMachine& server_vm = world.add_vm();
    world.spawn(server_vm, "local listener = net.listen(80) os.sleep(1000)");
    world.tick();
    world.tick();
    const NetAddress remote_a = *parse_net_address("10.9.0.1");
    const NetAddress remote_b = *parse_net_address("10.9.0.2");
    auto connect = [&](NetAddress from, std::uint32_t endpoint, std::uint32_t handle) {
        RemotePacket packet;
        packet.kind = RemotePacket::Kind::Connect;
        packet.to = net_address(0);
        packet.from = from;
        packet.from_endpoint = endpoint;
        packet.from_handle = handle;
        packet.src_ip = from;
        packet.src_port = 50000;
        packet.dst_port = 80;
        world.cluster.network().deliver_remote(std::move(packet));
    };
    for (std::uint32_t handle = 1; handle <= 6; ++handle) connect(remote_a, 7, handle);
    connect(remote_a, 8, 1);  // another VM on the same node
    connect(remote_b, 7, 1);  // a VM with the same number on another node
    world.tick();
    std::vector<std::string> answers;
    for (const RemotePacket& answer : world.cluster.network().take_remote()) {
        const char* kind = answer.kind == RemotePacket::Kind::Accepted  ? "accepted"
                           : answer.kind == RemotePacket::Kind::Refused ? "refused"
                                                                        : "other";
        answers.push_back(std::string(kind) + " " + format_net_address(answer.to) + "/" +
                          std::to_string(answer.to_endpoint) + "/" + std::to_string(answer.to_handle));
    }
    EXPECT_EQ(answers, (std::vector<std::string>{
                           "accepted 10.9.0.1/7/1", "accepted 10.9.0.1/7/2", "accepted 10.9.0.1/7/3",
                           "accepted 10.9.0.1/7/4", "refused 10.9.0.1/7/5", "refused 10.9.0.1/7/6",
                           "accepted 10.9.0.1/8/1", "accepted 10.9.0.2/7/1"}));
}

}  // namespace
}  // namespace luaos::test
