#include "service/node.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ostream>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>

#include "service/control_api.hpp"
#include "service/event_stream.hpp"
#include "service/nats_link.hpp"
#include "service/placement.hpp"
#include "service/shared_subjects.hpp"
#include "service/stored_vms.hpp"
#include "service/vm_subscriptions.hpp"
#include "service/net_bridge.hpp"
#include "service/node_counters.hpp"
#include "service/remote_calls.hpp"
#include "service/request_queue.hpp"
#include "service/subjects.hpp"
#include "service/vm_table.hpp"

namespace luaos::service {
namespace {

using Clock = std::chrono::steady_clock;

// How long a stopping node waits for the broker: for the requests already
// sent to it, and for what it published to be out.
constexpr std::chrono::milliseconds kDrainTimeout{5000};
// The longest sleep between two looks at the stop flag.
constexpr auto kStopPoll = std::chrono::milliseconds(50);

const char* event_name(VmEvent::Kind kind) {
    switch (kind) {
        case VmEvent::Kind::Spawn: return "spawn";
        case VmEvent::Kind::Output: return "output";
        case VmEvent::Kind::OutputDropped: return "output_dropped";
        case VmEvent::Kind::Exit: return "exit";
        case VmEvent::Kind::VmRemoved: return "vm_removed";
    }
    return "unknown";
}

void add_event_fields(Json& json, const VmEvent& event) {
    switch (event.kind) {
        case VmEvent::Kind::Spawn:
            json["pid"] = event.pid;
            json["name"] = event.text;
            json["parent"] = event.parent;
            break;
        case VmEvent::Kind::Output:
            json["pid"] = event.pid;
            json["data"] = event.text;
            break;
        case VmEvent::Kind::OutputDropped:
            json["pid"] = event.pid;
            json["bytes"] = event.bytes;
            break;
        case VmEvent::Kind::Exit:
            json["pid"] = event.pid;
            json["name"] = event.text;
            json["status"] = status_name(event.status);
            json["exit_code"] = event.exit_code;
            json["error"] = event.error.empty() ? Json(nullptr) : Json(event.error);
            break;
        case VmEvent::Kind::VmRemoved: json["reason"] = event.text; break;
    }
}

ClusterOptions streaming(ClusterOptions options) {
    // Output travels in events as it is printed; nothing is kept for later.
    options.kernel.keep_output = false;
    return options;
}

void sleep_until(Clock::time_point wake, const std::atomic<bool>& stop) {
    while (!stop.load(std::memory_order_relaxed)) {
        const auto now = Clock::now();
        if (now >= wake) return;
        std::this_thread::sleep_for(std::min<Clock::duration>(wake - now, kStopPoll));
    }
}

}  // namespace

struct Node::State {
    explicit State(NodeOptions given)
        : options(std::move(given)),
          subjects(options.name),
          queue(options.limits.queued_requests),
          cluster(streaming(options.cluster)),
          vms(cluster),
          net(cluster.network(), options.name, options.limits.net_queued_datagram_bytes),
          events(options.limits.event_output_bytes),
          stored(cluster, vms),
          remote(options.name, {options.call_timeout, options.limits.request_bytes, options.limits.json_depth}),
          api(cluster, vms, subjects, options.limits, options.cluster.kernel.process_limits, counters, remote, net,
              stored),
          liveness(options.name, options.heartbeat, Clock::now()) {
        cluster.set_observer(&events);
    }

    ~State() {
        remote.close();  // no reply is handled once the connection goes
        net.close();
        cluster.set_observer(nullptr);
    }

    // On the client's thread: queue the request, or refuse it at once.
    // `subject` is the node's own subject for it (the message may have come
    // on a shared one).
    void receive(const std::string& subject, const NatsMessage& message) {
        if (message.data.size() > options.limits.request_bytes) {
            counters.too_large.fetch_add(1, std::memory_order_relaxed);
            refuse(message.reply, "too_large",
                   "the body is larger than " + std::to_string(options.limits.request_bytes) + " bytes");
            return;
        }
        Request request{subject, message.reply, std::string(message.data)};
        switch (queue.push(request)) {
            case Admission::Queued: return;
            case Admission::Full:
                counters.busy.fetch_add(1, std::memory_order_relaxed);
                refuse(message.reply, "busy", "the node has " + std::to_string(queue.capacity()) +
                                                  " requests waiting; retry later");
                return;
            case Admission::Closed: refuse(message.reply, "stopping", "the node is shutting down"); return;
        }
    }

    void refuse(const std::string& reply, const char* code, const std::string& message) {
        if (!reply.empty()) link->publish(reply, error_reply(subjects.node(), code, message));
    }

    void answer_requests() {
        for (const Request& request : queue.take_all()) {
            const std::string reply = api.handle(request);
            if (!request.reply.empty()) link->publish(request.reply, reply);
        }
    }

    void publish_events() {
        for (VmId id : vms.take_created()) {
            if (const VirtualMachine* vm = vms.find(id)) vm_subscriptions->open(id, vm->id().to_string());
        }
        for (RemovedVm& removed : vms.sweep()) {
            vm_subscriptions->close(removed.vm);
            stored.removed(removed.vm, removed.reason);
            events.vm_removed(removed.vm, std::move(removed.reason));
        }
        for (const VmEvent& event : events.take()) publish(event);
        placement->update(!stopping && vms.size() < options.limits.vms);
    }

    // On the client's thread: what a node (this one too) said on its events.
    void hear_node(const NatsMessage& message) {
        constexpr std::size_t kMaxNodeEvent = 4096;  // a node's own events are far smaller
        const std::string_view node = node_of_events_subject(message.subject);
        if (node.empty() || message.data.size() > kMaxNodeEvent) return;
        const Json event = Json::parse(message.data, nullptr, /*allow_exceptions=*/false);
        if (!event.is_object() || !event.contains("event") || !event["event"].is_string()) return;
        const std::int64_t interval = event.contains("interval_ms") && event["interval_ms"].is_number_integer()
                                          ? event["interval_ms"].get<std::int64_t>()
                                          : 0;
        liveness.heard(node, event["event"].get<std::string>(), std::chrono::milliseconds(interval), Clock::now());
    }

    // Tick thread: a heartbeat when due, and the peers that stopped beating.
    void check_liveness() {
        const auto now = Clock::now();
        if (liveness.beat_due(now)) {
            publish_node_event("heartbeat", Json{{"interval_ms", options.heartbeat.interval.count()},
                                                 {"vms", vms.size()},
                                                 {"max_vms", options.limits.vms}});
        }
        for (const LostPeer& lost : liveness.take_lost(now)) {
            publish_node_event("node_lost", Json{{"lost", lost.node}, {"silent_ms", lost.silent.count()}});
        }
    }

    void publish(const VmEvent& event) {
        Json json{{"node", subjects.node()}, {"vm", vm_id_text(event.vm)}, {"seq", ++sequence[event.vm]},
                  {"event", event_name(event.kind)}};
        add_event_fields(json, event);
        if (event.kind == VmEvent::Kind::VmRemoved) sequence.erase(event.vm);
        link->publish(subjects.vm_events(event.vm), serialize(json));
        counters.events.fetch_add(1, std::memory_order_relaxed);
    }

    void publish_node_event(const char* name, Json fields = Json::object()) {
        Json json{{"node", subjects.node()}, {"event", name}};
        json.update(fields);
        link->publish(subjects.node_events(), serialize(json));
    }

    void tick_once(Clock::time_point deadline) {
        answer_requests();
        remote.expire(Clock::now());
        net.receive_all();
        cluster.tick(deadline);
        net.send_all();
        publish_events();
        check_liveness();
    }

    NodeReport stop() {
        NodeReport report;
        stopping = true;
        placement->update(false);
        publish_node_event("stopping");
        link->drain_subscription(kDrainTimeout);
        queue.close();
        answer_requests();
        for (VmId id : vms.ids()) {
            vms.destroy(id, "node_stopped", "the node is shutting down");
            ++report.vms_stopped;
        }
        // Destroyed VMs are gone at once, their exits reported: publish them.
        // One more (empty) tick routes the Close their connections said, which
        // tells their peers on other nodes before the subscriptions go.
        cluster.tick(Clock::now() + kDrainTimeout);
        net.send_all();
        publish_events();
        stored.commit();
        publish_node_event("stopped", Json{{"vms_stopped", report.vms_stopped}});
        link->flush(kDrainTimeout);
        report.ticks = cluster.ticks();
        report.requests = counters.requests.load(std::memory_order_relaxed);
        return report;
    }

    NodeOptions options;
    Subjects subjects;
    NodeCounters counters;
    RequestQueue queue;
    Cluster cluster;
    VmTable vms;
    NetBridge net;
    EventStream events;
    StoredVms stored;
    RemoteCalls remote;
    ControlApi api;
    std::unordered_map<VmId, std::uint64_t> sequence;  // the last event's number, per VM
    Liveness liveness;
    bool stopping = false;  // on the tick thread
    std::size_t restored = 0;  // VMs booted again from the store
    // Made once the link exists; their handlers are the link's until it is gone.
    std::unique_ptr<Placement> placement;
    std::unique_ptr<VmSubscriptions> vm_subscriptions;
    // Last, so that it goes first: no request arrives once the rest is gone.
    std::unique_ptr<NatsLink> link;
};

Node::Node(NodeOptions options) {
    if (!is_subject_token(options.name)) {
        throw std::invalid_argument("a node name is 1 to 64 of A-Z a-z 0-9 _ -, got '" + options.name + "'");
    }
    if (is_reserved_node_name(options.name)) {
        throw std::invalid_argument("a node may not be named '" + options.name + "': its subjects are shared ones");
    }
    if (options.heartbeat.interval.count() <= 0 || options.heartbeat.missed_beats == 0) {
        throw std::invalid_argument("a node's heartbeat needs a positive interval and number of missed beats");
    }
    if (!std::isfinite(options.ticks_per_second) || options.ticks_per_second <= 0) {
        throw std::invalid_argument("a node's ticks per second must be a positive number");
    }
    state_ = std::make_unique<State>(std::move(options));
    State& state = *state_;
    state.link = std::make_unique<NatsLink>(state.options.nats_url, "luaos node " + state.options.name);
    state.remote.open(state.link->connection());
    state.net.open(state.link->connection());
    state.link->subscribe(state.subjects.requests(),
                          [&state](const NatsMessage& message) { state.receive(message.subject, message); });
    state.vm_subscriptions = std::make_unique<VmSubscriptions>(
        *state.link, state.subjects,
        [&state](const std::string& subject, const NatsMessage& message) { state.receive(subject, message); });
    state.placement = std::make_unique<Placement>(*state.link, [&state](const NatsMessage& message) {
        state.receive(state.subjects.vm_create(), message);
    });
    state.restored = state.stored.restore();
    state.link->listen(std::string(kAllNodeEvents), "", [&state](const NatsMessage& message) { state.hear_node(message); });
    // As for the requests: known to the server before the node serves.
    state.link->flush(kDrainTimeout);
}

Node::~Node() = default;

NodeReport Node::serve(const std::atomic<bool>& stop) {
    State& state = *state_;
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / state.options.ticks_per_second));
    state.publish_node_event("started", Json{{"requests", state.subjects.requests()}, {"restored", state.restored}});
    if (state.options.log != nullptr) {
        *state.options.log << "luaos serve: node " << state.subjects.node() << " answers " << state.subjects.requests()
                           << " on " << state.options.nats_url << '\n'
                           << std::flush;
    }
    auto frame = Clock::now();
    while (!stop.load(std::memory_order_relaxed)) {
        const auto deadline = frame + period;
        state.tick_once(deadline);
        frame = std::max(deadline, Clock::now());  // an overrun frame is not caught up
        sleep_until(frame, stop);
    }
    NodeReport report = state.stop();
    if (state.options.log != nullptr) {
        *state.options.log << "luaos serve: node " << state.subjects.node() << " stopped after " << report.ticks
                           << " ticks (" << report.vms_stopped << " VM(s) stopped)\n"
                           << std::flush;
    }
    return report;
}

}  // namespace luaos::service
