// The network at scale: one echo server and 1,000 clients, each in a VM of
// its own, spread over two worker threads.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/net_support.hpp"

namespace luaos::test {
namespace {

constexpr int kClients = 1000;

// A server in one process: it polls its listener and its connections once
// a tick, echoing every message and counting the clients that hung up.
constexpr const char* kPollingEchoServer = R"(
    local listener = assert(net.listen(7))
    local open, served = {}, 0
    while served < 1000 do
        while true do
            local conn = listener:accept(0)
            if not conn then break end
            open[#open + 1] = conn
        end
        local i = 1
        while i <= #open do
            local message, why = open[i]:recv(0)
            if message then
                assert(open[i]:send(message))
                i = i + 1
            elseif why == "timed out" then
                i = i + 1
            else
                open[i]:close()
                open[i] = open[#open]
                open[#open] = nil
                served = served + 1
            end
        end
        os.yield()
    end
    print("served", served)
)";

constexpr const char* kEchoClient = R"(
    local me = net.addresses()[1]
    local conn = assert(net.connect("10.0.0.1", 7))
    for i = 1, 3 do
        local message = me .. " says " .. i
        assert(conn:send(message))
        local echo = conn:recv()
        assert(echo == message, tostring(echo))
    end
    conn:close()
)";

TEST(NetScale, AnEchoServerAndAThousandClientsInOtherVms) {
    ClusterOptions options{.threads = 2};
    options.network.limits.connections_per_vm = kClients;
    options.network.limits.connections_per_process = kClients;
    NetWorld world(options);
    VirtualMachine& server_vm = world.add_vm();
    auto server = world.spawn(server_vm, kPollingEchoServer);
    std::vector<std::pair<std::uint64_t, Pid>> clients;
    for (int i = 0; i < kClients; ++i) clients.push_back(world.spawn(world.add_vm(), kEchoClient));
    world.run(500);
    EXPECT_EQ(world.cluster.vm_count(), 0u) << "every VM ended";
    EXPECT_EQ(world.output_of(server), "served\t1000\n");
    int finished = 0;
    for (const auto& client : clients) finished += world.exit_of(client).status == ProcessStatus::Finished ? 1 : 0;
    EXPECT_EQ(finished, kClients);
}

}  // namespace
}  // namespace luaos::test
