// What the network costs, each figure a ratio against a baseline measured in
// the same run:
//  1. messages per second between two VMs on different shards (two worker
//     threads) against os.send between two processes of one VM;
//  2. a request/response round trip across VMs against a forced preemption
//     round trip (a process preempted and run again: one tick);
//  3. the cluster tick with N idle VMs listening (each with an address and a
//     process parked in listener:accept) against N idle VMs without the
//     network (a process parked in os.receive), beside one busy VM;
//  4. the resident memory of such an idle listening VM against such an idle
//     VM without an address, each set built in a child process of its own;
//  5. the frame (one cluster tick) of bystander VM pairs exchanging messages
//     while one VM floods the network at its limits (datagrams at its
//     per-tick limit, connections opened and filled with full messages by
//     as many processes as it may run) against the same pairs beside no
//     flooder and beside a VM that only burns its slices.
//
// usage: luaos_bench_network [part] [messages] [idle_vms] [ticks] [memory_vms] [pairs] [trips]
//   part: all (the default), memory, messages, trips, idle, frame, or flood
//   (the frame of 5. alone and flooded, once each, with where its time
//   goes: for a profiler); trips defaults to messages / 100.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "support/isolated.hpp"
#include "support/measure.hpp"
#include "support/parts.hpp"

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

// The idle VMs of idle_tick_ns without the busy one: `idle` VMs, each
// listening (with an address) or waiting in os.receive (without).
void add_idle_vms(Cluster& cluster, long idle, bool listening) {
    for (long i = 0; i < idle; ++i) {
        VirtualMachine& vm = cluster.create_vm();
        if (listening) {
            cluster.network().set_addresses(vm, {*parse_net_address("10.0.0.1") + static_cast<NetAddress>(i)});
            vm.os().spawn_process("local l = net.listen(80) l:accept()", "listener.lua");
        } else {
            vm.os().spawn_process("os.receive()", "waiter.lua");
        }
    }
}

// ns per cluster tick: one busy VM and `idle` VMs (add_idle_vms).
double idle_tick_ns(long idle, long ticks, bool listening) {
    RuntimeOptions runtime;
    runtime.preemption = PreemptionMode::InstructionCount;
    Cluster cluster(options(1, runtime));
    add_idle_vms(cluster, idle, listening);
    cluster.create_vm().os().spawn_process("while true do end", "busy.lua");
    cluster.tick();
    cluster.tick();
    const double ms = best_ms([&] {
        for (long t = 0; t < ticks; ++t) cluster.tick();
    });
    return ms * 1e6 / double(ticks);
}

// Resident bytes per VM of `vms` idle VMs (add_idle_vms) once each has run,
// all included: VM, Os, process, and with an address the endpoint, the
// listener and the network's records of the VM.
double idle_vm_bytes(long vms, bool listening) {
    const double before = resident_bytes();
    Cluster cluster(options(1));
    add_idle_vms(cluster, vms, listening);
    cluster.tick();
    cluster.tick();
    return (resident_bytes() - before) / double(vms);
}

enum class Neighbour { None, Busy, Flooder };

NetAddress pair_address(long pair, int side) {
    return *parse_net_address("10.0.0.1") + static_cast<NetAddress>(2 * pair + side);
}

// One VM that floods the network with everything it may run: one process
// sends the largest datagrams to the bystanders' servers round robin (past
// datagrams_per_tick it waits for the next tick; their queues fill and
// drop); a quarter of its processes open connections to the bystanders'
// servers and drop them at once (net.connect with timeout 0), round robin;
// the rest stream one-byte messages, as fast as they may, each to a process
// of its own on an accomplice VM (the sink) that reads everything at once.
// Returns the flooder; `sink` gets the sink.
VirtualMachine& add_flooder(Cluster& cluster, long pairs, VirtualMachine*& sink) {
    const NetLimits& limits = cluster.network().limits();
    const std::uint32_t processes = KernelOptions{}.process_limits.max_processes;
    const std::uint32_t streams = processes - 1 - processes / 4;
    const std::string server_n = "string.format('10.0.%d.%d', (2 * n - 1) // 256, (2 * n - 1) % 256)";
    const std::string next_n = "n = n % " + std::to_string(pairs) + " + 1 ";
    sink = &cluster.create_vm();
    cluster.network().set_addresses(*sink, {*parse_net_address("10.1.0.1")});
    for (std::uint32_t i = 0; i < streams; ++i) {
        sink->os().spawn_process("local c = net.listen(" + std::to_string(1000 + i) +
                                     "):accept() while c:recv() do end",
                                 "sink.lua");
    }
    VirtualMachine& flooder = cluster.create_vm();
    cluster.network().set_addresses(flooder, {*parse_net_address("10.1.0.2")});
    flooder.os().spawn_process("local d = string.rep('x', " + std::to_string(limits.datagram_bytes) +
                                   ") local n = 0 while true do " + next_n + "net.send(" + server_n + ", 7, d) end",
                               "datagrams.lua");
    for (std::uint32_t i = 0; i < streams; ++i) {
        flooder.os().spawn_process("local c = assert(net.connect('10.1.0.1', " + std::to_string(1000 + i) +
                                       ")) while true do c:send('x') end",
                                   "stream.lua");
    }
    for (std::uint32_t i = 0; i < processes / 4; ++i) {
        flooder.os().spawn_process("os.sleep(3) local n = " + std::to_string(i) + " while true do " + next_n +
                                       "net.connect(" + server_n + ", 7, 0) end",
                                   "connects.lua");
    }
    return flooder;
}

// `pairs` VM pairs, a client and an echo server each, exchanging 64-byte
// messages, beside `neighbour`, on two workers; ticked until their
// connections are open and their buffers full.
struct Frame {
    std::unique_ptr<Cluster> cluster = std::make_unique<Cluster>(options(2));
    std::vector<VirtualMachine*> bystanders;
    VirtualMachine* flooder = nullptr;
    VirtualMachine* sink = nullptr;

    Frame(long pairs, Neighbour neighbour) {
        for (long i = 0; i < pairs; ++i) {
            VirtualMachine& server = cluster->create_vm();
            VirtualMachine& client = cluster->create_vm();
            cluster->network().set_addresses(server, {pair_address(i, 0)});
            cluster->network().set_addresses(client, {pair_address(i, 1)});
            server.os().spawn_process("local c = net.listen(7):accept() while true do c:send(assert(c:recv())) end",
                                      "echo.lua");
            client.os().spawn_process("local c = assert(net.connect('" + format_net_address(pair_address(i, 0)) +
                                          "', 7)) local m = string.rep('x', 64) while true do c:send(m) "
                                          "assert(c:recv()) end",
                                      "client.lua");
            bystanders.push_back(&server);
            bystanders.push_back(&client);
        }
        if (neighbour == Neighbour::Busy) cluster->create_vm().os().spawn_process("while true do end", "busy.lua");
        if (neighbour == Neighbour::Flooder) flooder = &add_flooder(*cluster, pairs, sink);
        for (int t = 0; t < 20; ++t) cluster->tick();  // connections open, buffers fill
    }

    double ticks_ms(long ticks) {
        return timed_ms([&] {
            for (long t = 0; t < ticks; ++t) cluster->tick();
        });
    }
};

// ms for `ticks` ticks of a Frame.
double bystander_frames_ms(long pairs, long ticks, Neighbour neighbour) {
    return Frame(pairs, neighbour).ticks_ms(ticks);
}

std::uint64_t cpu_ns(const std::vector<VirtualMachine*>& vms) {
    std::uint64_t sum = 0;
    for (const VirtualMachine* vm : vms) sum += vm->os().stats().cpu_ns;
    return sum;
}

struct Sizes {
    long messages = 200'000;
    long idle = 100'000;
    long ticks = 2'000;
    long memory_vms = 100'000;
    long pairs = 100;
    long trips = 0;  // messages / 100
};

// First, while this process has allocated nothing its children could reuse.
void print_memory(const Sizes& sizes) {
    std::printf("resident memory per idle VM, %ld VMs, each set in a child process of its own\n", sizes.memory_vms);
    const double plain_bytes = isolated<double>([&] { return idle_vm_bytes(sizes.memory_vms, false); });
    const double listening_bytes = isolated<double>([&] { return idle_vm_bytes(sizes.memory_vms, true); });
    std::printf("%-52s %12.0f bytes\n", "idle VM without the network (os.receive)", plain_bytes);
    std::printf("%-52s %12.0f bytes %7.2fx (+%.0f bytes)\n", "idle VM with an address, listener:accept",
                listening_bytes, listening_bytes / plain_bytes, listening_bytes - plain_bytes);
}

void print_messages(const Sizes& sizes) {
    const long messages = sizes.messages;
    const std::vector<double> throughput = interleaved_best_ms(
        {[&] { return network_messages_ms(messages); }, [&] { return mailbox_messages_ms(messages); }});
    std::printf("%ld messages of 64 bytes (best of %d)\n", messages, kRepeats);
    std::printf("%-52s %12.0f msg/s\n", "os.send between two processes of one VM", messages / throughput[1] * 1e3);
    std::printf("%-52s %12.0f msg/s %7.2fx\n", "connection between two VMs on two workers", messages / throughput[0] * 1e3,
                throughput[1] / throughput[0]);
}

void print_trips(const Sizes& sizes) {
    const long trips = sizes.trips;
    const std::vector<double> trip = interleaved_best_ms(
        {[&] { return network_round_trips_ms(trips); }, [&] { return preemption_round_trips_ms(trips); }});
    std::printf("%ld round trips (best of %d)\n", trips, kRepeats);
    std::printf("%-52s %12.1f us\n", "forced preemption (preempted, run next tick)", trip[1] * 1e3 / double(trips));
    std::printf("%-52s %12.1f us %7.2fx\n", "request/response across VMs on two workers", trip[0] * 1e3 / double(trips),
                trip[0] / trip[1]);
}

void print_idle(const Sizes& sizes) {
    std::printf("cluster tick with %ld idle VMs beside one busy VM (one worker, %ld ticks, best of %d)\n", sizes.idle,
                sizes.ticks, kRepeats);
    const double without = idle_tick_ns(sizes.idle, sizes.ticks, false);
    std::printf("%-52s %12.1f ns\n", "idle VMs without the network (os.receive)", without);
    const double listening = idle_tick_ns(sizes.idle, sizes.ticks, true);
    std::printf("%-52s %12.1f ns %7.2fx\n", "idle VMs listening (address, listener:accept)", listening,
                listening / without);
}

void print_frames(const Sizes& sizes) {
    const long pairs = sizes.pairs;
    const long ticks = sizes.ticks;
    const std::vector<double> frames =
        interleaved_best_ms({[&] { return bystander_frames_ms(pairs, ticks, Neighbour::None); },
                             [&] { return bystander_frames_ms(pairs, ticks, Neighbour::Busy); },
                             [&] { return bystander_frames_ms(pairs, ticks, Neighbour::Flooder); }});
    std::printf("frame of %ld VM pairs exchanging 64-byte messages (two workers, %ld ticks, best of %d)\n", pairs,
                ticks, kRepeats);
    std::printf("%-52s %12.1f us\n", "no neighbour", frames[0] * 1e3 / double(ticks));
    std::printf("%-52s %12.1f us %7.2fx\n", "beside a VM burning its slices", frames[1] * 1e3 / double(ticks),
                frames[1] / frames[0]);
    std::printf("%-52s %12.1f us %7.2fx %7.2fx vs busy\n", "beside a VM flooding at its limits",
                frames[2] * 1e3 / double(ticks), frames[2] / frames[0], frames[2] / frames[1]);
}

// The frame alone and beside the flooder, once each, and where the time
// goes: CPU inside the slices of the bystanders, the flooder and its sink
// (two workers share it), and what the network routed. The rest of the
// frame is the tick's own work and the routing; a profiler splits those.
void print_flood(const Sizes& sizes) {
    std::printf("frame of %ld VM pairs exchanging 64-byte messages (two workers, %ld ticks, once each); per tick:\n",
                sizes.pairs, sizes.ticks);
    std::printf("%-22s %10s %12s %12s %12s %10s %10s\n", "", "frame us", "bystander us", "flooder us", "sink us",
                "packets", "dgrams lost");
    for (Neighbour neighbour : {Neighbour::None, Neighbour::Flooder}) {
        Frame frame(sizes.pairs, neighbour);
        std::vector<VirtualMachine*> flooder;
        std::vector<VirtualMachine*> sink;
        if (frame.flooder != nullptr) flooder = {frame.flooder};
        if (frame.sink != nullptr) sink = {frame.sink};
        const NetStats before = frame.cluster->network().stats();
        const std::uint64_t bystanders0 = cpu_ns(frame.bystanders);
        const std::uint64_t flooder0 = cpu_ns(flooder);
        const std::uint64_t sink0 = cpu_ns(sink);
        const double ms = frame.ticks_ms(sizes.ticks);
        const NetStats& after = frame.cluster->network().stats();
        const double ticks = double(sizes.ticks);
        std::printf("%-22s %10.1f %12.1f %12.1f %12.1f %10.1f %10.1f\n",
                    neighbour == Neighbour::None ? "no neighbour" : "beside a flooding VM", ms * 1e3 / ticks,
                    double(cpu_ns(frame.bystanders) - bystanders0) / 1e3 / ticks,
                    double(cpu_ns(flooder) - flooder0) / 1e3 / ticks, double(cpu_ns(sink) - sink0) / 1e3 / ticks,
                    double(after.packets_routed - before.packets_routed) / ticks,
                    double(after.datagrams_dropped - before.datagrams_dropped) / ticks);
    }
}

}  // namespace

int main(int argc, char** argv) {
    Parts parts(argc, argv);
    Sizes sizes;
    sizes.messages = parts.number(0, sizes.messages);
    sizes.idle = parts.number(1, sizes.idle);
    sizes.ticks = parts.number(2, sizes.ticks);
    sizes.memory_vms = parts.number(3, sizes.memory_vms);
    sizes.pairs = parts.number(4, sizes.pairs);
    sizes.trips = parts.number(5, sizes.messages / 100);

    if (parts.wanted("memory")) print_memory(sizes);
    if (parts.wanted("messages")) print_messages(sizes);
    if (parts.wanted("trips")) print_trips(sizes);
    if (parts.wanted("idle")) print_idle(sizes);
    if (parts.wanted("frame")) print_frames(sizes);
    if (parts.wanted_alone("flood")) print_flood(sizes);
    if (!parts.ran()) {
        std::fprintf(stderr, "luaos_bench_network: unknown part '%s' (all, memory, messages, trips, idle, frame, flood)\n",
                     parts.part());
        return 2;
    }
    return 0;
}
