// What a node of `luaos serve` costs (docs/serve.md, "What it costs"), each
// figure a ratio against plain NATS clients (Debian's libnats) on the same
// broker, measured in the same run:
//  1. trips: a request/response round trip between two VMs on two nodes (a
//     client VM on n1 connects to a server VM on n2 through the VM network,
//     sends a request, waits for the reply; many trips) against NATS's own
//     request/reply round trip between two plain clients;
//  2. stream: bytes per second from VMs on n1 to VMs on n2, over one
//     connection and over several, against one plain publisher and one plain
//     subscriber sending messages of the same size;
//  3. spawn: the control API's spawn (request luaos.n1.vm.<vm>.spawn until
//     its reply) and create (luaos.n1.vm.create, a VM with one program
//     booted) against a bare NATS request/reply round trip;
//  4. idle: the node's loop per tick with 100,000 idle VMs (each a process
//     waiting in os.receive) against the same VMs in a plain Cluster, ticked
//     in a loop without the service.
// A node ticks at a paced rate, and a VM's packet or a request waits for the
// node's next tick: parts 1 to 3 run at the default pace (60 ticks a
// second), at 1,000 and 10,000, and unpaced (the node's loop never sleeps),
// which shows what the path costs besides the wait.
//
// The nodes are in-process service::Node objects, each serving on a thread
// of its own as `luaos serve` runs one, with one worker each; the broker is
// Debian's nats-server, started on a free loopback port as the tests start it
// (tests/service/nats_server.hpp).
//
// usage: luaos_bench_serve [part] [trips] [megabytes] [spawns] [idle_vms] [seconds] [message_bytes]
//   part: all (the default), trips, stream, spawn or idle; trips and spawns
//   are the most per measured round (fewer at a slow pace), megabytes what
//   a stream carries at most (paced, about a second of a connection's
//   window a tick), seconds how long the idle node is watched per round,
//   message_bytes the size of a stream's messages (16384; at most 64 KiB).

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nats_client.hpp"
#include "nats_server.hpp"
#include "running_node.hpp"
#include "support/measure.hpp"
#include "support/parts.hpp"

using namespace luaos;
using namespace luaos::bench;
using luaos::service_test::Json;
using luaos::service_test::NatsClient;
using luaos::service_test::NatsServer;
using luaos::service_test::RunningNode;
using luaos::service_test::Watch;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRounds = 3;
// A period of a nanosecond: the node's loop ticks again at once.
constexpr double kUnpaced = 1e9;

struct Pace {
    const char* name;
    double tps;
};
constexpr Pace kPaces[] = {{"60 TPS (the default)", 60}, {"1,000 TPS", 1000}, {"10,000 TPS", 10000},
                           {"unpaced", kUnpaced}};

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "luaos_bench_serve: %s\n", what.c_str());
    std::exit(1);
}

void check(natsStatus status, const char* what) {
    if (status != NATS_OK) fail(std::string(what) + ": " + natsStatus_GetText(status));
}

double us_since(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// The most of `wanted` that fits in about half a second at `tps` (at least 20).
long fitting(long wanted, double tps) { return std::max(20L, std::min(wanted, static_cast<long>(tps / 2))); }

service::NodeOptions node_options(const std::string& url, const std::string& name, double tps) {
    service::NodeOptions options = service_test::test_node_options(url, name);
    options.ticks_per_second = tps;
    return options;
}

// A plain NATS connection: the library's defaults, or with "send asap"
// (natsOptions_SetSendAsap: each publish is written at once, where by
// default libnats 3.4's flusher thread waits a millisecond for more to
// write with it).
struct Connection {
    natsConnection* nc = nullptr;
    explicit Connection(const std::string& url, bool send_asap = false) {
        natsOptions* options = nullptr;
        check(natsOptions_Create(&options), "options");
        check(natsOptions_SetURL(options, url.c_str()), "URL");
        check(natsOptions_SetSendAsap(options, send_asap), "send asap");
        const natsStatus status = natsConnection_Connect(&nc, options);
        natsOptions_Destroy(options);
        check(status, "connect");
    }
    ~Connection() {
        natsConnection_Close(nc);
        natsConnection_Destroy(nc);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
};

// --- baselines: plain NATS clients -------------------------------------

void echo(natsConnection* nc, natsSubscription*, natsMsg* message, void*) {
    natsConnection_Publish(nc, natsMsg_GetReply(message), natsMsg_GetData(message), natsMsg_GetDataLength(message));
    natsMsg_Destroy(message);
}

// Microseconds per request/reply round trip between two plain clients: one
// answers on its subscription's callback (its reply sent at once, or by the
// flusher), the other waits for each reply.
double nats_trip_us(const std::string& url, long trips, bool send_asap) {
    Connection responder(url, send_asap);
    Connection requester(url);
    natsSubscription* subscription = nullptr;
    check(natsConnection_Subscribe(&subscription, responder.nc, "bench.echo", echo, nullptr), "subscribe");
    check(natsConnection_Flush(responder.nc), "flush");
    auto trip = [&] {
        natsMsg* reply = nullptr;
        check(natsConnection_RequestString(&reply, requester.nc, "bench.echo", "ping", 10'000), "request");
        natsMsg_Destroy(reply);
    };
    for (int i = 0; i < 100; ++i) trip();  // warm
    double best = 1e300;
    for (int round = 0; round < kRepeats; ++round) {
        const auto start = Clock::now();
        for (long i = 0; i < trips; ++i) trip();
        best = std::min(best, us_since(start) / double(trips));
    }
    natsSubscription_Destroy(subscription);
    return best;
}

struct Counted {
    std::mutex mutex;
    std::condition_variable done;
    std::size_t bytes = 0;
    std::size_t wanted = 0;
};

void count_bytes(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    auto& counted = *static_cast<Counted*>(closure);
    const auto length = static_cast<std::size_t>(natsMsg_GetDataLength(message));
    natsMsg_Destroy(message);
    std::lock_guard lock(counted.mutex);
    counted.bytes += length;
    if (counted.bytes >= counted.wanted) counted.done.notify_all();
}

// Bytes per second from a plain publisher to a plain subscriber: `messages`
// of `size` bytes, timed from the first publish until the subscriber has
// them all.
double nats_stream_bytes_per_s(const std::string& url, std::size_t size, long messages) {
    Connection subscriber(url);
    Connection publisher(url);
    Counted counted;
    counted.wanted = size * static_cast<std::size_t>(messages);
    natsSubscription* subscription = nullptr;
    check(natsConnection_Subscribe(&subscription, subscriber.nc, "bench.stream", count_bytes, &counted), "subscribe");
    natsSubscription_SetPendingLimits(subscription, -1, -1);  // no slow-consumer drops
    check(natsConnection_Flush(subscriber.nc), "flush");
    const std::string message(size, 'x');
    const auto start = Clock::now();
    for (long i = 0; i < messages; ++i) {
        check(natsConnection_Publish(publisher.nc, "bench.stream", message.data(), static_cast<int>(size)), "publish");
    }
    check(natsConnection_Flush(publisher.nc), "flush");
    std::unique_lock lock(counted.mutex);
    if (!counted.done.wait_for(lock, std::chrono::minutes(1), [&] { return counted.bytes >= counted.wanted; })) {
        fail("the plain subscriber did not get every message");
    }
    const double seconds = us_since(start) / 1e6;
    lock.unlock();
    natsSubscription_Destroy(subscription);
    return double(counted.wanted) / seconds;
}

// --- nodes --------------------------------------------------------------

// Creates a VM on `node` whose boot processes run `codes`; its id.
std::string create_vm(NatsClient& client, const std::string& node, const std::string& address,
                      const std::vector<std::string>& codes) {
    Json programs = Json::array();
    Json boot = Json::array();
    for (std::size_t i = 0; i < codes.size(); ++i) {
        programs.push_back({{"name", "p" + std::to_string(i)}, {"code", codes[i]}});
        boot.push_back({{"program", "p" + std::to_string(i)}});
    }
    Json body{{"programs", programs}, {"boot", boot}};
    if (!address.empty()) body["address"] = address;
    const Json reply = client.request("luaos." + node + ".vm.create", body);
    if (!service_test::ok(reply)) fail("create on " + node + " failed: " + reply.dump());
    return reply["vm"].get<std::string>();
}

// The events of one VM as they arrive, each with its time of arrival.
struct TimedEvent {
    Json event;
    Clock::time_point at;
};

// Reads events until `enough` says so; fails on a process that failed.
std::vector<TimedEvent> read_events(Watch& watch, const std::function<bool(const std::vector<TimedEvent>&)>& enough) {
    std::vector<TimedEvent> events;
    while (!enough(events)) {
        Json event = watch.next(std::chrono::seconds(60));
        if (event.is_null()) fail("no event within 60 s");
        if (event.value("event", "") == "exit" && event.value("status", "") != "finished") {
            fail("a process failed: " + event.dump());
        }
        events.push_back({std::move(event), Clock::now()});
    }
    return events;
}

long count_of(const std::string& text, const std::string& word) {
    long n = 0;
    for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) ++n;
    return n;
}

// Microseconds per round trip between a client VM on n1 and an echo server
// VM on n2 at `tps`: the best of kRounds rounds of `trips` trips, each round
// timed between the client's prints as their events arrive.
double vm_trip_us(const std::string& url, double tps, long trips) {
    RunningNode n1(node_options(url, "n1", tps));
    RunningNode n2(node_options(url, "n2", tps));
    NatsClient client(url);
    auto watch = client.watch("luaos.n1.vm.*.events");
    create_vm(client, "n2", "10.0.0.2",
              {"local conn = net.listen(7):accept() while true do local m = conn:recv() "
               "if not m then break end conn:send(m) end"});
    create_vm(client, "n1", "10.0.0.1",
              {"local conn = assert(net.connect('10.0.0.2', 7)) conn:send('ping') assert(conn:recv()) "
               "print('go') for r = 1, " + std::to_string(kRounds) + " do for i = 1, " + std::to_string(trips) +
               " do conn:send('ping') assert(conn:recv()) end print('round') end conn:close()"});
    std::vector<Clock::time_point> marks;
    read_events(*watch, [&](const std::vector<TimedEvent>& events) {
        if (events.empty()) return false;
        const TimedEvent& last = events.back();
        if (last.event.value("event", "") == "output") {
            const std::string data = last.event.value("data", "");
            const long n = count_of(data, "go") + count_of(data, "round");
            if (n > 1) fail("two marks in one tick's output: the round is too short to time");
            if (n == 1) marks.push_back(last.at);
        }
        return marks.size() > std::size_t(kRounds);
    });
    double best = 1e300;
    for (std::size_t i = 1; i < marks.size(); ++i) {
        best = std::min(best, std::chrono::duration<double, std::micro>(marks[i] - marks[i - 1]).count() / double(trips));
    }
    return best;
}

// Bytes per second from `connections` processes of a VM on n1, each
// streaming `messages` of `size` bytes over a connection of its own, to a
// VM on n2 reading them all; timed from the first sender's print that its
// connection is open to the last reader's exit, as their events arrive.
double vm_stream_bytes_per_s(const std::string& url, double tps, int connections, std::size_t size, long messages) {
    RunningNode n1(node_options(url, "n1", tps));
    RunningNode n2(node_options(url, "n2", tps));
    NatsClient client(url);
    auto watch = client.watch("luaos.*.vm.*.events");
    std::vector<std::string> readers;
    std::vector<std::string> senders;
    for (int i = 0; i < connections; ++i) {
        const std::string port = std::to_string(1000 + i);
        readers.push_back("local c = net.listen(" + port + "):accept() local n = 0 while true do "
                          "local m = c:recv() if not m then break end n = n + #m end print(n)");
        senders.push_back("local c = assert(net.connect('10.0.0.2', " + port + ")) local m = string.rep('x', " +
                          std::to_string(size) + ") print('go') for i = 1, " + std::to_string(messages) +
                          " do assert(c:send(m)) end c:close()");
    }
    create_vm(client, "n2", "10.0.0.2", readers);
    create_vm(client, "n1", "10.0.0.1", senders);
    Clock::time_point start{};
    Clock::time_point end{};
    int ended = 0;
    const std::string expected = std::to_string(size * static_cast<std::size_t>(messages)) + "\n";
    read_events(*watch, [&](const std::vector<TimedEvent>& events) {
        if (events.empty()) return false;
        const TimedEvent& last = events.back();
        const std::string node = last.event.value("node", "");
        const std::string kind = last.event.value("event", "");
        if (node == "n1" && kind == "output" && start == Clock::time_point{}) start = last.at;
        if (node == "n2" && kind == "output" && last.event.value("data", "") != expected) {
            fail("a reader got " + last.event.value("data", "") + " bytes, not " + expected);
        }
        if (node == "n2" && kind == "exit") {
            ++ended;
            end = last.at;
        }
        return ended == connections;
    });
    return double(size) * double(messages) * connections / (std::chrono::duration<double>(end - start).count());
}

// Microseconds per control-API request on n1 at `tps`, the best of kRounds
// rounds of `requests`: spawns of a process that ends at once into one VM,
// or creates of a VM with one such program booted (removed when it ended).
double control_request_us(const std::string& url, double tps, long requests, bool create) {
    service::NodeOptions options = node_options(url, "n1", tps);
    options.limits.vms = static_cast<std::size_t>(requests) * kRounds + 10;
    RunningNode n1(options);
    NatsClient client(url);
    const std::string vm = create_vm(client, "n1", "", {"os.receive()"});
    const std::string subject = create ? "luaos.n1.vm.create" : "luaos.n1.vm." + vm + ".spawn";
    const std::string body = create ? R"({"programs": [{"name": "m", "code": "return"}], "boot": [{"program": "m"}], "keep": false})"
                                    : R"({"code": "return", "name": "s"})";
    double best = 1e300;
    for (int round = 0; round < kRounds; ++round) {
        const auto start = Clock::now();
        for (long i = 0; i < requests; ++i) {
            const Json reply = client.request(subject, body);
            if (!service_test::ok(reply)) fail(subject + " failed: " + reply.dump());
        }
        best = std::min(best, us_since(start) / double(requests));
    }
    return best;
}

// --- idle VMs -------------------------------------------------------------

constexpr const char* kIdleCode = "os.receive()";

// Nanoseconds per tick of a plain Cluster (one worker, as the node's) with
// `vms` idle VMs, ticked as the node's loop ticks (a deadline every tick),
// for `seconds` per round.
double cluster_idle_tick_ns(long vms, double seconds) {
    Cluster cluster({.kernel = {.keep_output = false}, .threads = 1});
    for (long i = 0; i < vms; ++i) cluster.create_vm().os().spawn_process(kIdleCode, "idle.lua");
    cluster.tick();
    cluster.tick();
    if (cluster.awake_vm_count() != 0) fail("the plain cluster's VMs are not idle");
    double best = 1e300;
    for (int round = 0; round < kRounds; ++round) {
        const std::uint64_t ticks0 = cluster.ticks();
        const auto start = Clock::now();
        while (us_since(start) < seconds * 1e6) {
            for (int i = 0; i < 100; ++i) cluster.tick(Clock::now());
        }
        best = std::min(best, us_since(start) * 1e3 / double(cluster.ticks() - ticks0));
    }
    return best;
}

// Creates `vms` idle VMs on n1, keeping at most `in_flight` requests queued.
void create_idle_vms(const std::string& url, long vms, long in_flight) {
    Connection connection(url);
    natsSubscription* replies = nullptr;
    check(natsConnection_SubscribeSync(&replies, connection.nc, "bench.created"), "subscribe");
    natsSubscription_SetPendingLimits(replies, -1, -1);
    check(natsConnection_Flush(connection.nc), "flush");
    const std::string body = std::string(R"({"programs": [{"name": "idle", "code": ")") + kIdleCode +
                             R"("}], "boot": [{"program": "idle"}]})";
    long sent = 0;
    long answered = 0;
    while (answered < vms) {
        while (sent < vms && sent - answered < in_flight) {
            check(natsConnection_PublishRequestString(connection.nc, "luaos.n1.vm.create", "bench.created", body.c_str()),
                  "publish");
            ++sent;
        }
        natsMsg* reply = nullptr;
        check(natsSubscription_NextMsg(&reply, replies, 60'000), "a create's reply");
        const std::string text(natsMsg_GetData(reply), static_cast<std::size_t>(natsMsg_GetDataLength(reply)));
        natsMsg_Destroy(reply);
        if (text.find(R"("ok":true)") == std::string::npos) fail("create failed: " + text);
        ++answered;
    }
    natsSubscription_Destroy(replies);
}

struct NodeTicks {
    std::uint64_t ticks = 0;
    std::uint64_t awake = 0;
    std::uint64_t vms = 0;
};

NodeTicks node_ticks(NatsClient& client) {
    const Json stats = client.request("luaos.n1.stats", std::string("{}"));
    if (!service_test::ok(stats)) fail("stats failed: " + stats.dump());
    return {stats["ticks"].get<std::uint64_t>(), stats["awake_vms"].get<std::uint64_t>(),
            stats["vms"].get<std::uint64_t>()};
}

// Nanoseconds per tick of an unpaced node holding `vms` idle VMs (created
// through its control API), from its tick count over `seconds` per round.
double node_idle_tick_ns(const std::string& url, long vms, double seconds) {
    service::NodeOptions options = node_options(url, "n1", kUnpaced);
    options.limits.vms = static_cast<std::size_t>(vms);
    RunningNode n1(options);
    create_idle_vms(url, vms, static_cast<long>(options.limits.queued_requests / 2));
    NatsClient client(url);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const NodeTicks settled = node_ticks(client);
    if (settled.vms != std::uint64_t(vms) || settled.awake != 0) {
        fail("the node holds " + std::to_string(settled.vms) + " VMs, " + std::to_string(settled.awake) + " awake");
    }
    double best = 1e300;
    for (int round = 0; round < kRounds; ++round) {
        const NodeTicks before = node_ticks(client);
        const auto start = Clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
        const NodeTicks after = node_ticks(client);
        best = std::min(best, us_since(start) * 1e3 / double(after.ticks - before.ticks));
    }
    return best;
}

// --- parts ----------------------------------------------------------------

struct Sizes {
    long trips = 2000;
    long megabytes = 64;
    long spawns = 1000;
    long idle = 100'000;
    double seconds = 2;
    long message_bytes = 16 << 10;  // a quarter of a connection's window
};

void print_trips(const std::string& url, const Sizes& sizes) {
    const double flushed = nats_trip_us(url, sizes.trips, false);
    const double nats = nats_trip_us(url, sizes.trips, true);
    std::printf("request/response round trip (best of %d rounds); ratios against the second line, then the first\n",
                kRounds);
    std::printf("%-58s %10.1f us\n", "NATS request/reply, two plain clients (libnats defaults)", flushed);
    std::printf("%-58s %10.1f us\n", "NATS request/reply, two plain clients (replier send asap)", nats);
    for (const Pace& pace : kPaces) {
        const long trips = fitting(sizes.trips, pace.tps);
        const double vm = vm_trip_us(url, pace.tps, trips);
        const std::string label = std::string("two VMs on two nodes, ") + pace.name + ", " + std::to_string(trips) +
                                  " trips";
        std::printf("%-58s %10.1f us %8.2fx %8.2fx\n", label.c_str(), vm, vm / nats, vm / flushed);
    }
}

void print_stream(const std::string& url, const Sizes& sizes) {
    const auto size = static_cast<std::size_t>(sizes.message_bytes);
    const long total = sizes.megabytes * (1 << 20) / static_cast<long>(size);
    const double nats = nats_stream_bytes_per_s(url, size, total);
    std::printf("streaming %zu-byte messages, %ld MiB (paced: about a second's worth)\n", size, sizes.megabytes);
    std::printf("%-58s %10.1f MB/s\n", "NATS publisher to subscriber, plain clients", nats / 1e6);
    for (const Pace& pace : kPaces) {
        for (const int connections : {1, 8}) {
            // Paced, a connection carries at most its window (64 KiB) a
            // tick: about a second of that, or less.
            const long per_tick = std::max(1L, (64L << 10) / sizes.message_bytes);
            const long messages =
                std::min(total / connections, std::max(64L, static_cast<long>(pace.tps) * per_tick));
            const double vm = vm_stream_bytes_per_s(url, pace.tps, connections, size, messages);
            const std::string label = std::string("VMs across two nodes, ") + pace.name + ", " +
                                      std::to_string(connections) + (connections == 1 ? " connection" : " connections");
            std::printf("%-58s %10.1f MB/s %8.2fx\n", label.c_str(), vm / 1e6, nats / vm);
        }
    }
}

void print_spawn(const std::string& url, const Sizes& sizes) {
    const double flushed = nats_trip_us(url, sizes.trips, false);
    const double nats = nats_trip_us(url, sizes.trips, true);
    std::printf("control API request until its reply (best of %d rounds); ratios against the second line, then the "
                "first\n",
                kRounds);
    std::printf("%-58s %10.1f us\n", "NATS request/reply, two plain clients (libnats defaults)", flushed);
    std::printf("%-58s %10.1f us\n", "NATS request/reply, two plain clients (replier send asap)", nats);
    for (const Pace& pace : kPaces) {
        const long requests = fitting(sizes.spawns, pace.tps);
        for (const bool create : {false, true}) {
            const double request = control_request_us(url, pace.tps, requests, create);
            const std::string label = std::string(create ? "create a VM, " : "spawn a process, ") + pace.name + ", " +
                                      std::to_string(requests) + " requests";
            std::printf("%-58s %10.1f us %8.2fx %8.2fx\n", label.c_str(), request, request / nats, request / flushed);
        }
    }
}

void print_idle(const std::string& url, const Sizes& sizes) {
    std::printf("tick with %ld idle VMs (os.receive), one worker, best of %d rounds of %.1f s\n", sizes.idle, kRounds,
                sizes.seconds);
    const double cluster = cluster_idle_tick_ns(sizes.idle, sizes.seconds);
    std::printf("%-58s %10.1f ns\n", "plain Cluster, ticked in a loop", cluster);
    const double node = node_idle_tick_ns(url, sizes.idle, sizes.seconds);
    std::printf("%-58s %10.1f ns %8.2fx (+%.1f ns)\n", "unpaced node (its loop: requests, tick, events)", node,
                node / cluster, node - cluster);
}

}  // namespace

int main(int argc, char** argv) {
    Parts parts(argc, argv);
    Sizes sizes;
    sizes.trips = parts.number(0, sizes.trips);
    sizes.megabytes = parts.number(1, sizes.megabytes);
    sizes.spawns = parts.number(2, sizes.spawns);
    sizes.idle = parts.number(3, sizes.idle);
    sizes.seconds = parts.real(4, sizes.seconds);
    sizes.message_bytes = std::clamp(parts.number(5, sizes.message_bytes), 1L, 64L << 10);

    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as it comes
    NatsServer server;
    const std::string url = server.url();
    if (parts.wanted("trips")) print_trips(url, sizes);
    if (parts.wanted("stream")) print_stream(url, sizes);
    if (parts.wanted("spawn")) print_spawn(url, sizes);
    if (parts.wanted("idle")) print_idle(url, sizes);
    if (!parts.ran()) {
        std::fprintf(stderr, "luaos_bench_serve: unknown part '%s' (all, trips, stream, spawn, idle)\n", parts.part());
        return 2;
    }
    return 0;
}
