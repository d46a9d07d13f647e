// The routing between VMs (luaos/network.hpp): after every tick, with every
// worker idle, each shard's outbox is taken whole (swapped with an empty
// one) and its packets are delivered in the order they were sent; what the
// deliveries answer goes into the fresh outboxes, for the next tick. Packets
// with a latency wait in a heap on their tick, in the order they came, so
// that a connection keeps its order. The endpoints themselves are in
// src/net/endpoint.hpp.

#include "luaos/network.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kernel/kernel_access.hpp"
#include "luaos/runtime.hpp"
#include "luaos/vm.hpp"
#include "net/endpoint.hpp"
#include "net/name_service.hpp"
#include "net/net_link.hpp"

namespace luaos {

struct Network::State {
    struct Host {
        NetEndpoint* endpoint = nullptr;
        const Os* os = nullptr;
        std::vector<NetAddress> addresses;
    };
    struct Shard {
        const Runtime* runtime = nullptr;
        std::unique_ptr<NetLink> link;
        std::vector<Packet> taken;  // the outbox being routed; kept for its capacity
    };
    struct Delayed {
        std::uint64_t due = 0;
        std::uint64_t order = 0;
        Packet packet;
    };

    NetworkOptions options;
    NameService names;
    NetPolicy* policy = nullptr;
    NetStats stats;
    std::uint64_t tick = 0;
    std::uint64_t order = 0;
    std::uint32_t next_endpoint = 1;
    std::unordered_map<std::uint32_t, Host> hosts;
    std::unordered_map<const Os*, std::uint32_t> by_os;
    std::unordered_map<NetAddress, std::uint32_t> by_address;
    std::vector<Shard> shards;
    std::vector<Delayed> delayed;  // a min-heap on (due, order)

    NetEndpoint* endpoint(std::uint32_t id) const {
        auto found = hosts.find(id);
        return found == hosts.end() ? nullptr : found->second.endpoint;
    }
    NetEndpoint* endpoint_at(NetAddress address) const {
        auto found = by_address.find(address);
        return found == by_address.end() ? nullptr : endpoint(found->second);
    }
    void forget(std::uint32_t id);
    std::uint32_t endpoint_of(Os& os);
    void route(Packet& packet);
    bool apply_policy(Packet& packet);
    void answer_sender(const Packet& connect, PacketKind kind);
    void deliver(Packet& packet);
    void delay(Packet& packet);
    void release_due();

    static bool goes_by_address(const Packet& packet) {
        return packet.kind == PacketKind::Connect || packet.kind == PacketKind::Datagram;
    }
    // std::*_heap build a max-heap: "later" ranks lower, so the earliest is on top.
    static bool later(const Delayed& a, const Delayed& b) { return a.due != b.due ? a.due > b.due : a.order > b.order; }
};

Network::Network(NetworkOptions options) : state_(std::make_unique<State>()) { state_->options = options; }

Network::~Network() = default;

const NetLimits& Network::limits() const { return state_->options.limits; }
const NetStats& Network::stats() const { return state_->stats; }
void Network::set_policy(NetPolicy* policy) { state_->policy = policy; }

void Network::set_name(std::string name, std::vector<NetAddress> addresses) {
    state_->names.set(std::move(name), std::move(addresses));
}

NetLink& Network::link_for(Runtime& runtime) {
    for (State::Shard& shard : state_->shards) {
        if (shard.runtime == &runtime) return *shard.link;
    }
    auto link = std::make_unique<NetLink>();
    link->names = &state_->names;
    link->limits = &state_->options.limits;
    state_->shards.push_back({&runtime, std::move(link), {}});
    return *state_->shards.back().link;
}

bool Network::set_addresses(VirtualMachine& vm, const std::vector<NetAddress>& addresses) {
    State& state = *state_;
    const std::uint32_t current = state.endpoint_of(vm.os());
    for (NetAddress address : addresses) {
        auto holder = state.by_address.find(address);
        if (holder != state.by_address.end() && holder->second != current) return false;
    }
    std::uint32_t id = current;
    if (id == 0) {
        id = state.next_endpoint++;
        auto endpoint = std::make_unique<NetEndpoint>(vm.os(), link_for(vm.os().runtime()), id);
        state.hosts[id] = {endpoint.get(), &vm.os(), {}};
        state.by_os[&vm.os()] = id;
        KernelAccess::bookkeeping(vm.os()).network = std::move(endpoint);
    }
    State::Host& host = state.hosts[id];
    for (NetAddress old : host.addresses) state.by_address.erase(old);
    host.addresses = addresses;
    for (NetAddress address : addresses) state.by_address[address] = id;
    host.endpoint->set_addresses(addresses);
    return true;
}

std::vector<NetAddress> Network::addresses(VirtualMachine& vm) const {
    const std::uint32_t id = state_->endpoint_of(vm.os());
    if (id == 0) return {};
    return state_->hosts.at(id).addresses;
}

// The number of the endpoint `os` has, or 0. A VM destroyed since the last
// route() may have left its record behind, for a new VM in the same memory:
// the record counts only if the Os still holds that endpoint.
std::uint32_t Network::State::endpoint_of(Os& os) {
    auto known = by_os.find(&os);
    if (known == by_os.end()) return 0;
    const std::uint32_t id = known->second;
    if (hosts.at(id).endpoint == KernelAccess::bookkeeping(os).network.get()) return id;
    forget(id);
    return 0;
}

void Network::State::forget(std::uint32_t id) {
    auto found = hosts.find(id);
    if (found == hosts.end()) return;
    for (NetAddress address : found->second.addresses) by_address.erase(address);
    by_os.erase(found->second.os);
    hosts.erase(found);
}

// Every outbox is taken before any packet is delivered, and the endpoints
// destroyed during the tick are forgotten first: a packet to one of them is
// then dropped rather than delivered to freed memory.
void Network::route() {
    State& state = *state_;
    ++state.tick;
    for (State::Shard& shard : state.shards) {
        shard.taken.swap(shard.link->outbox);
        for (const Packet& packet : shard.taken) {
            if (packet.kind == PacketKind::EndpointGone) state.forget(packet.src_endpoint);
        }
    }
    for (State::Shard& shard : state.shards) {
        for (Packet& packet : shard.taken) {
            if (packet.kind != PacketKind::EndpointGone) state.route(packet);
        }
        shard.taken.clear();
    }
    state.release_due();
}

void Network::State::route(Packet& packet) {
    ++stats.packets_routed;
    if (goes_by_address(packet) && !packet.delayed && !apply_policy(packet)) return;
    if (packet.latency_ticks > 0 && !packet.delayed) {
        delay(packet);
        return;
    }
    deliver(packet);
}

// The policy's verdict on a connection being opened or a datagram; false if
// the packet goes no further.
bool Network::State::apply_policy(Packet& packet) {
    if (policy == nullptr) return true;
    const bool datagram = packet.kind == PacketKind::Datagram;
    NetFlow flow{datagram, packet.src_ip, packet.src_port, packet.dst_ip, packet.dst_port};
    const NetVerdict verdict = policy->decide(flow);
    if (verdict.action != NetAction::Allow) {
        if (datagram) {
            ++stats.datagrams_dropped;
        } else if (verdict.action == NetAction::Reject) {
            ++stats.connections_refused;
            answer_sender(packet, PacketKind::Refused);
        } else {
            ++stats.packets_dropped;
        }
        return false;
    }
    packet.src_ip = flow.src_ip;
    packet.src_port = flow.src_port;
    packet.dst_ip = flow.dst_ip;
    packet.dst_port = flow.dst_port;
    packet.latency_ticks = verdict.latency_ticks;
    return true;
}

// The network's own answer to a packet's sender (a connect refused by the
// policy or to an address no VM has), delivered at once.
void Network::State::answer_sender(const Packet& packet, PacketKind kind) {
    NetEndpoint* sender = endpoint(packet.src_endpoint);
    if (sender == nullptr) return;
    Packet answer;
    answer.kind = kind;
    answer.dst_endpoint = packet.src_endpoint;
    answer.dst_handle = packet.src_handle;
    sender->deliver(answer);
}

void Network::State::deliver(Packet& packet) {
    NetEndpoint* receiver = goes_by_address(packet) ? endpoint_at(packet.dst_ip) : endpoint(packet.dst_endpoint);
    if (receiver == nullptr) {
        if (packet.kind == PacketKind::Connect) {
            ++stats.connections_unreachable;
            answer_sender(packet, PacketKind::Unreachable);
        } else if (packet.kind == PacketKind::Datagram) {
            ++stats.datagrams_dropped;
        } else {
            ++stats.packets_dropped;
            // A connection accepted for a VM destroyed while it connected:
            // the listener's side closes.
            if (packet.kind == PacketKind::Accepted) answer_sender(packet, PacketKind::Close);
        }
        return;
    }
    const NetDelivery delivery = receiver->deliver(packet);
    if (delivery == NetDelivery::Refused) ++stats.connections_refused;
    if (delivery == NetDelivery::Dropped) {
        if (packet.kind == PacketKind::Datagram) {
            ++stats.datagrams_dropped;
        } else {
            ++stats.packets_dropped;
        }
    }
}

void Network::State::delay(Packet& packet) {
    packet.delayed = true;
    delayed.push_back({tick + packet.latency_ticks, order++, std::move(packet)});
    std::push_heap(delayed.begin(), delayed.end(), later);
}

void Network::State::release_due() {
    while (!delayed.empty() && delayed.front().due <= tick) {
        std::pop_heap(delayed.begin(), delayed.end(), later);
        Packet packet = std::move(delayed.back().packet);
        delayed.pop_back();
        deliver(packet);
    }
}

}  // namespace luaos
