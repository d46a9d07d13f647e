// The routing between VMs (luaos/network.hpp): after every tick, with every
// worker idle, each shard's outbox is taken whole (swapped with an empty
// one) and its packets are delivered in the order they were sent; what the
// deliveries answer goes into the fresh outboxes, for the next tick. Packets
// with a latency wait in a heap on their tick, in the order they came, so
// that a connection keeps its order. The endpoints themselves are in
// src/net/endpoint.hpp.
//
// Across clusters (luaos/net_remote.hpp), with remote routing on: a packet
// by address that no VM here has, or by the number of a stand-in for a
// remote endpoint (net/remote_peers.hpp), is not unreachable but goes to the
// remote outbox; what comes back through deliver_remote() is delivered like
// a routed packet, its sender given a stand-in so that answers find the way.

#include "luaos/network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kernel/kernel_access.hpp"
#include "luaos/runtime.hpp"
#include "luaos/vm.hpp"
#include "net/endpoint.hpp"
#include "net/name_service.hpp"
#include "net/net_link.hpp"
#include "net/remote_peers.hpp"

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
    bool remote_routing = false;
    AddressObserver address_observer;
    RemotePeers peers;
    std::vector<RemotePacket> remote_out;
    std::unordered_map<std::uint32_t, NetAddress> gone_homes;  // during route(): the endpoints gone this tick

    NetEndpoint* endpoint(std::uint32_t id) const {
        auto found = hosts.find(id);
        return found == hosts.end() ? nullptr : found->second.endpoint;
    }
    NetEndpoint* endpoint_at(NetAddress address) const {
        auto found = by_address.find(address);
        return found == by_address.end() ? nullptr : endpoint(found->second);
    }
    void forget(std::uint32_t id);
    void tell(NetAddress address, bool held) const {
        if (address_observer) address_observer(address, held);
    }
    NetAddress home(std::uint32_t id) const;
    bool send_remote(Packet& packet);
    void answer_remote(const Packet& packet, PacketKind kind);
    void deliver_to(NetEndpoint& receiver, Packet& packet);
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

Network::Network(NetworkOptions options) : state_(std::make_unique<State>()) {
    const std::uint32_t share = options.limits.source_share_percent;
    if (share == 0 || share > 100) {
        throw std::invalid_argument("luaos: NetLimits::source_share_percent must be from 1 to 100, got " +
                                    std::to_string(share));
    }
    state_->options = options;
}

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
    auto among = [](const std::vector<NetAddress>& list, NetAddress address) {
        return std::find(list.begin(), list.end(), address) != list.end();
    };
    for (NetAddress old : host.addresses) {
        state.by_address.erase(old);
        if (!among(addresses, old)) state.tell(old, false);
    }
    for (NetAddress address : addresses) {
        state.by_address[address] = id;
        if (!among(host.addresses, address)) state.tell(address, true);
    }
    host.addresses = addresses;
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
    for (NetAddress address : found->second.addresses) {
        by_address.erase(address);
        tell(address, false);
    }
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
            if (packet.kind != PacketKind::EndpointGone) continue;
            if (state.remote_routing) state.gone_homes[packet.src_endpoint] = state.home(packet.src_endpoint);
            state.forget(packet.src_endpoint);
        }
    }
    for (State::Shard& shard : state.shards) {
        for (Packet& packet : shard.taken) {
            if (packet.kind != PacketKind::EndpointGone) state.route(packet);
        }
        shard.taken.clear();
    }
    state.gone_homes.clear();
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
    if (receiver == nullptr && send_remote(packet)) return;
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
    deliver_to(*receiver, packet);
}

void Network::State::deliver_to(NetEndpoint& receiver, Packet& packet) {
    const NetDelivery delivery = receiver.deliver(packet);
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

namespace luaos {

// --- across clusters ----------------------------------------------------------

void Network::set_remote_routing(bool on) { state_->remote_routing = on; }

void Network::set_address_observer(AddressObserver observer) { state_->address_observer = std::move(observer); }

std::vector<RemotePacket> Network::take_remote() {
    std::vector<RemotePacket> taken;
    taken.swap(state_->remote_out);
    return taken;
}

// The address a local endpoint is answered at: its first (or the one it had,
// if it went during this tick); 0 if it has none.
NetAddress Network::State::home(std::uint32_t id) const {
    auto found = hosts.find(id);
    if (found != hosts.end()) return found->second.addresses.empty() ? 0 : found->second.addresses.front();
    auto gone = gone_homes.find(id);
    return gone == gone_homes.end() ? 0 : gone->second;
}

// A packet no local endpoint takes: to the remote outbox if it is for an
// address (a connect, a datagram) or a stand-in. False if it is neither, or
// remote routing is off.
bool Network::State::send_remote(Packet& packet) {
    if (!remote_routing) return false;
    const std::optional<RemotePacket::Kind> kind = remote_kind(packet.kind);
    if (!kind) return false;
    RemotePacket out;
    if (goes_by_address(packet)) {
        out.to = packet.dst_ip;
    } else {
        const std::optional<RemoteEndpoint> peer = peers.find(packet.dst_endpoint);
        if (!peer) return false;
        out.to = peer->address;
        out.to_endpoint = peer->endpoint;
        out.to_handle = packet.dst_handle;
    }
    out.kind = *kind;
    out.from = home(packet.src_endpoint);
    out.from_endpoint = packet.src_endpoint;
    out.from_handle = packet.src_handle;
    out.src_ip = packet.src_ip;
    out.src_port = packet.src_port;
    out.dst_port = packet.dst_port;
    out.latency_ticks = packet.latency_ticks;
    out.amount = packet.amount;
    out.data = std::move(packet.data);
    remote_out.push_back(std::move(out));
    ++stats.remote_out;
    return true;
}

// Answers a packet from another cluster there.
void Network::State::answer_remote(const Packet& packet, PacketKind kind) {
    Packet answer;
    answer.kind = kind;
    answer.dst_endpoint = packet.src_endpoint;
    answer.dst_handle = packet.src_handle;
    send_remote(answer);
}

void Network::deliver_remote(RemotePacket remote) {
    State& state = *state_;
    ++state.stats.remote_in;
    Packet packet;
    packet.kind = packet_kind(remote.kind);
    packet.latency_ticks = remote.latency_ticks;
    packet.delayed = true;  // served where it was sent
    packet.src_ip = remote.src_ip;
    packet.src_port = remote.src_port;
    packet.dst_ip = remote.to;
    packet.dst_port = remote.dst_port;
    if (remote.from != 0 && packet.kind != PacketKind::Datagram) packet.src_endpoint = state.peers.stand_in({remote.from, remote.from_endpoint}, state.next_endpoint);
    packet.src_handle = remote.from_handle;
    packet.dst_handle = remote.to_handle;
    packet.amount = remote.amount;
    packet.data = std::move(remote.data);
    NetEndpoint* receiver = state.endpoint_at(remote.to);
    const bool by_address = State::goes_by_address(packet);
    // By number, the endpoint must be the one the sender knew: an address
    // given to another VM since does not take the old one's connections.
    if (receiver != nullptr && !by_address && receiver->id() != remote.to_endpoint) receiver = nullptr;
    if (receiver == nullptr) {
        if (packet.kind == PacketKind::Connect) {
            ++state.stats.connections_unreachable;
            state.answer_remote(packet, PacketKind::Unreachable);
        } else if (packet.kind == PacketKind::Datagram) {
            ++state.stats.datagrams_dropped;
        } else {
            ++state.stats.packets_dropped;
            if (packet.kind == PacketKind::Accepted) state.answer_remote(packet, PacketKind::Close);
        }
        return;
    }
    packet.dst_endpoint = receiver->id();
    state.deliver_to(*receiver, packet);
}

void Network::remote_undeliverable(std::uint32_t from_endpoint, std::uint32_t from_handle) {
    NetEndpoint* sender = state_->endpoint(from_endpoint);
    if (sender == nullptr) return;
    Packet failed;
    failed.dst_endpoint = from_endpoint;
    failed.dst_handle = from_handle;
    failed.kind = PacketKind::Unreachable;  // a connection still being opened
    if (sender->deliver(failed) == NetDelivery::Delivered) {
        ++state_->stats.connections_unreachable;
        return;
    }
    failed.kind = PacketKind::Close;  // an open one
    sender->deliver(failed);
}

}  // namespace luaos
