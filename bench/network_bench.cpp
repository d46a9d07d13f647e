// What the network costs, each figure a ratio against a baseline measured in
// the same run:
//  1. messages per second between two VMs on different shards (two worker
//     threads) against os.send between two processes of one VM;
//  2. a request/response round trip across VMs against a forced preemption
//     round trip (a process preempted and run again: one tick);
//  3. the cluster tick with N idle VMs listening (each with an address and a
//     process parked in listener:accept) against N idle VMs without the
//     network (a process parked in os.receive), beside one busy VM.
//
// usage: luaos_bench_network [messages] [idle_vms] [ticks]

#include <cstdio>
#include <cstdlib>
#include <string>

#include "support/measure.hpp"

using namespace luaos;
using namespace luaos::bench;

namespace {

// A cluster of `threads` workers that keeps no output: nothing reads it.
ClusterOptions options(unsigned threads, RuntimeOptions runtime = {}) {
    return {.runtime = runtime, .kernel = {.keep_output = false}, .threads = threads};
}

// Ticks `cluster` until every VM ended; returns the milliseconds it took.
double run_to_end(Cluster& cluster) {
    return timed_ms([&] {
        while (cluster.vm_count() > 0) cluster.tick();
    });
}

// Messages of 64 bytes from one VM to another, on two worker threads.
double network_messages_ms(long messages) {
    Cluster cluster(options(2));
    VirtualMachine& receiver = cluster.create_vm();  // worker 0
    VirtualMachine& sender = cluster.create_vm();    // worker 1
    cluster.network().set_addresses(receiver, {*parse_net_address("10.0.0.1")});
    cluster.network().set_addresses(sender, {*parse_net_address("10.0.0.2")});
    const std::string count = std::to_string(messages);
    receiver.os().spawn_process("local conn = net.listen(7):accept() for i = 1, " + count +
                                    " do assert(conn:recv()) end",
                                "receiver.lua");
    sender.os().spawn_process("local conn = assert(net.connect('10.0.0.1', 7)) local m = string.rep('x', 64) "
                              "for i = 1, " + count + " do conn:send(m) end os.sleep(5)",
                              "sender.lua");
    return run_to_end(cluster);
}

// The same messages between two processes of one VM: os.send, retried in the
// next tick when the mailbox is full.
double mailbox_messages_ms(long messages) {
    Cluster cluster(options(2));
    VirtualMachine& vm = cluster.create_vm();
    const std::string count = std::to_string(messages);
    vm.os().spawn_process("for i = 1, " + count + " do assert(os.receive()) end", "receiver.lua");
    vm.os().spawn_process("local m = string.rep('x', 64) for i = 1, " + count +
                              " do while not os.send(1, m) do os.yield() end end",
                          "sender.lua");
    return run_to_end(cluster);
}

// Request/response round trips over one connection between two VMs on two workers.
double network_round_trips_ms(long trips) {
    Cluster cluster(options(2));
    VirtualMachine& server = cluster.create_vm();
    VirtualMachine& client = cluster.create_vm();
    cluster.network().set_addresses(server, {*parse_net_address("10.0.0.1")});
    cluster.network().set_addresses(client, {*parse_net_address("10.0.0.2")});
    const std::string count = std::to_string(trips);
    server.os().spawn_process("local conn = net.listen(7):accept() while true do local m = conn:recv() "
                              "if not m then break end conn:send(m) end",
                              "server.lua");
    client.os().spawn_process("local conn = assert(net.connect('10.0.0.1', 7)) for i = 1, " + count +
                                  " do conn:send('ping') assert(conn:recv()) end conn:close()",
                              "client.lua");
    return run_to_end(cluster);
}

// Forced preemption round trips: a process that loops past its slice is
// preempted and runs again in the next tick (the deterministic mode, so
// that every slice ends by preemption). Two VMs, as above.
double preemption_round_trips_ms(long trips) {
    RuntimeOptions runtime;
    runtime.preemption = PreemptionMode::InstructionCount;
    runtime.quantum = 1000;
    Cluster cluster(options(2, runtime));
    const std::string count = std::to_string(trips);
    for (int i = 0; i < 2; ++i) {
        // About 1,000 instructions a preemption: one preemption per trip.
        cluster.create_vm().os().spawn_process(
            "local x = 0 for i = 1, " + count + " * 330 do x = x + i end", "spin.lua");
    }
    return run_to_end(cluster);
}

// ns per cluster tick: one busy VM and `idle` VMs, each listening (with an
// address) or waiting in os.receive (without).
double idle_tick_ns(long idle, long ticks, bool listening) {
    RuntimeOptions runtime;
    runtime.preemption = PreemptionMode::InstructionCount;
    Cluster cluster(options(1, runtime));
    for (long i = 0; i < idle; ++i) {
        VirtualMachine& vm = cluster.create_vm();
        if (listening) {
            cluster.network().set_addresses(vm, {*parse_net_address("10.0.0.1") + static_cast<NetAddress>(i)});
            vm.os().spawn_process("local l = net.listen(80) l:accept()", "listener.lua");
        } else {
            vm.os().spawn_process("os.receive()", "waiter.lua");
        }
    }
    cluster.create_vm().os().spawn_process("while true do end", "busy.lua");
    cluster.tick();
    cluster.tick();
    const double ms = best_ms([&] {
        for (long t = 0; t < ticks; ++t) cluster.tick();
    });
    return ms * 1e6 / double(ticks);
}

}  // namespace

int main(int argc, char** argv) {
    const long messages = argc > 1 ? std::atol(argv[1]) : 200'000;
    const long idle = argc > 2 ? std::atol(argv[2]) : 100'000;
    const long ticks = argc > 3 ? std::atol(argv[3]) : 2'000;

    const std::vector<double> throughput = interleaved_best_ms(
        {[&] { return network_messages_ms(messages); }, [&] { return mailbox_messages_ms(messages); }});
    std::printf("%ld messages of 64 bytes (best of %d)\n", messages, kRepeats);
    std::printf("%-52s %12.0f msg/s\n", "os.send between two processes of one VM", messages / throughput[1] * 1e3);
    std::printf("%-52s %12.0f msg/s %7.2fx\n", "connection between two VMs on two workers", messages / throughput[0] * 1e3,
                throughput[1] / throughput[0]);

    const long trips = messages / 100;
    const std::vector<double> trip = interleaved_best_ms(
        {[&] { return network_round_trips_ms(trips); }, [&] { return preemption_round_trips_ms(trips); }});
    std::printf("\n%ld round trips (best of %d)\n", trips, kRepeats);
    std::printf("%-52s %12.1f us\n", "forced preemption (preempted, run next tick)", trip[1] * 1e3 / double(trips));
    std::printf("%-52s %12.1f us %7.2fx\n", "request/response across VMs on two workers", trip[0] * 1e3 / double(trips),
                trip[0] / trip[1]);

    std::printf("\ncluster tick with %ld idle VMs beside one busy VM (one worker, %ld ticks, best of %d)\n", idle, ticks,
                kRepeats);
    const double without = idle_tick_ns(idle, ticks, false);
    std::printf("%-52s %12.1f ns\n", "idle VMs without the network (os.receive)", without);
    const double listening = idle_tick_ns(idle, ticks, true);
    std::printf("%-52s %12.1f ns %7.2fx\n", "idle VMs listening (address, listener:accept)", listening, listening / without);
    return 0;
}
