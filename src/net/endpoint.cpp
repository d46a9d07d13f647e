#include "net/endpoint.hpp"

#include <algorithm>

#include "kernel/kernel_access.hpp"
#include "kernel/os_bookkeeping.hpp"
#include "luaos/os.hpp"

namespace luaos {

const char* net_refusal_text(NetRefusal refusal) {
    switch (refusal) {
        case NetRefusal::None: return "ok";
        case NetRefusal::NoAddress: return "no network address";
        case NetRefusal::PortInUse: return "port in use";
        case NetRefusal::TooManyListeners: return "too many listeners";
        case NetRefusal::TooManyConnections: return "too many connections";
        case NetRefusal::NextTick: return "too many connections this tick";
    }
    return "?";
}

NetEndpoint::NetEndpoint(Os& os, NetLink& link, std::uint32_t id) : os_(os), link_(link), id_(id) {}

// The VM is being destroyed: its peers hear that their connections closed,
// and the network that the endpoint is gone.
NetEndpoint::~NetEndpoint() {
    for (auto& [handle, connection] : connections_) {
        if (connection.state == NetConnection::State::Open) post_to_peer(connection, PacketKind::Close, handle);
    }
    Packet gone;
    gone.kind = PacketKind::EndpointGone;
    gone.src_endpoint = id_;
    post(std::move(gone));
}

// --- looking things up ------------------------------------------------------

NetListener* NetEndpoint::listener(Pid owner, std::uint32_t handle) {
    auto found = listeners_.find(handle);
    return found == listeners_.end() || found->second.owner != owner ? nullptr : &found->second;
}

NetConnection* NetEndpoint::connection(Pid owner, std::uint32_t handle) {
    auto found = connections_.find(handle);
    return found == connections_.end() || found->second.owner != owner ? nullptr : &found->second;
}

std::uint32_t NetEndpoint::count_connections(Pid owner) const {
    return static_cast<std::uint32_t>(
        std::count_if(connections_.begin(), connections_.end(), [owner](const auto& entry) { return entry.second.owner == owner; }));
}

std::uint32_t NetEndpoint::count_listeners(Pid owner) const {
    return static_cast<std::uint32_t>(
        std::count_if(listeners_.begin(), listeners_.end(), [owner](const auto& entry) { return entry.second.owner == owner; }));
}

// Whether `source` already holds its share of the VM's connection table, or
// of the table of `owner` (the process listening); the share is at least one.
bool NetEndpoint::over_source_share(Pid owner, std::uint32_t source) const {
    const NetLimits& limit = limits();
    auto share = [&](std::uint32_t table) {
        return std::max<std::uint64_t>(1, std::uint64_t{table} * limit.source_share_percent / 100);
    };
    std::uint64_t in_vm = 0;
    std::uint64_t in_owner = 0;
    for (const auto& [handle, connection] : connections_) {
        if (!connection.incoming || connection.peer_endpoint != source) continue;
        ++in_vm;
        if (connection.owner == owner) ++in_owner;
    }
    return in_vm >= share(limit.connections_per_vm) || in_owner >= share(limit.connections_per_process);
}

bool NetEndpoint::port_listened(std::uint16_t port) const {
    return std::any_of(listeners_.begin(), listeners_.end(), [port](const auto& entry) { return entry.second.port == port; });
}

// The next ephemeral port nobody listens on (there are far more of them than
// listeners a VM may have).
std::uint16_t NetEndpoint::free_port() {
    while (true) {
        const std::uint16_t port = next_port_;
        next_port_ = next_port_ == 65535 ? kFirstEphemeralPort : static_cast<std::uint16_t>(next_port_ + 1);
        if (!port_listened(port)) return port;
    }
}

// --- listeners ----------------------------------------------------------------

NetRefusal NetEndpoint::listen(Pid owner, std::uint16_t port, std::uint32_t& handle) {
    if (addresses_.empty()) return NetRefusal::NoAddress;
    if (listeners_.size() >= limits().listeners_per_vm || count_listeners(owner) >= limits().listeners_per_process) {
        return NetRefusal::TooManyListeners;
    }
    if (port == 0) port = free_port();
    if (port_listened(port)) return NetRefusal::PortInUse;
    handle = next_handle_++;
    NetListener& listener = listeners_[handle];
    listener.owner = owner;
    listener.port = port;
    return NetRefusal::None;
}

std::uint32_t NetEndpoint::accept(NetListener& listener) {
    while (!listener.pending.empty()) {
        const std::uint32_t handle = listener.pending.front();
        listener.pending.pop();
        auto found = connections_.find(handle);
        if (found == connections_.end()) continue;
        found->second.listener = 0;
        found->second.owner = listener.owner;
        return handle;
    }
    return 0;
}

// Connections opened to it and not accepted close too.
void NetEndpoint::close_listener(std::uint32_t handle) {
    auto found = listeners_.find(handle);
    if (found == listeners_.end()) return;
    SmallQueue<std::uint32_t> pending = std::move(found->second.pending);
    listeners_.erase(found);
    for (; !pending.empty(); pending.pop()) close_connection(pending.front());
}

// --- connections --------------------------------------------------------------

NetRefusal NetEndpoint::connect(Pid owner, NetAddress ip, std::uint16_t port, std::uint32_t& handle) {
    if (addresses_.empty()) return NetRefusal::NoAddress;
    if (connections_.size() >= limits().connections_per_vm || count_connections(owner) >= limits().connections_per_process) {
        return NetRefusal::TooManyConnections;
    }
    NetTickSends& sent = sent_this_tick();
    if (sent.connects >= limits().connects_per_tick || sent.packets >= limits().packets_per_tick) {
        return NetRefusal::NextTick;
    }
    ++sent.connects;
    ++sent.packets;
    handle = next_handle_++;
    NetConnection& connection = connections_[handle];
    connection.owner = owner;
    connection.handle = handle;
    connection.local_port = free_port();
    connection.peer_ip = ip;
    connection.peer_port = port;
    connection.credit = limits().connection_bytes;
    Packet packet;
    packet.kind = PacketKind::Connect;
    packet.src_ip = own_address();
    packet.src_port = connection.local_port;
    packet.dst_ip = ip;
    packet.dst_port = port;
    packet.src_endpoint = id_;
    packet.src_handle = handle;
    post(std::move(packet));
    return NetRefusal::None;
}

Packet NetEndpoint::to_peer(const NetConnection& connection, PacketKind kind, std::uint32_t handle) const {
    Packet packet;
    packet.kind = kind;
    packet.latency_ticks = connection.latency_ticks;
    packet.src_endpoint = id_;
    packet.src_handle = handle;
    packet.dst_endpoint = connection.peer_endpoint;
    packet.dst_handle = connection.peer_handle;
    return packet;
}

void NetEndpoint::post_to_peer(const NetConnection& connection, PacketKind kind, std::uint32_t handle) {
    post(to_peer(connection, kind, handle));
}

// Answers a packet's sender: a connect refused, an Accepted for a connection closed here.
void NetEndpoint::answer(const Packet& packet, PacketKind kind) {
    Packet answer;
    answer.kind = kind;
    answer.latency_ticks = packet.latency_ticks;
    answer.src_endpoint = id_;
    answer.dst_endpoint = packet.src_endpoint;
    answer.dst_handle = packet.src_handle;
    post(std::move(answer));
}

NetSend NetEndpoint::send(NetConnection& connection, std::string_view data) {
    if (connection.state != NetConnection::State::Open) return NetSend::Closed;
    const NetLimits& limit = limits();
    if (data.size() > limit.connection_bytes || data.size() > limit.vm_sent_bytes) return NetSend::TooLarge;
    if (data.size() > connection.credit || data.size() > limit.vm_sent_bytes - unread_) return NetSend::Wait;
    NetTickSends& sent = sent_this_tick();
    if (sent.packets >= limit.packets_per_tick) return NetSend::NextTick;
    ++sent.packets;
    connection.credit -= data.size();
    connection.unread += data.size();
    unread_ += data.size();
    Packet packet = to_peer(connection, PacketKind::Data, connection.handle);
    packet.data.assign(data);
    post(std::move(packet));
    return NetSend::Sent;
}

void NetEndpoint::consume(NetConnection& connection) {
    const std::size_t bytes = connection.inbox.front().size();
    connection.inbox.pop();
    connection.inbox_bytes -= bytes;
    if (connection.state == NetConnection::State::Open) give_credit(connection, bytes);
}

// One Credit packet per connection and tick: bytes read later in the tick
// go into the one still in the outbox (the outbox is routed, and emptied,
// only between ticks).
void NetEndpoint::give_credit(NetConnection& connection, std::size_t bytes) {
    if (connection.credit_tick == os_.ticks() && connection.credit_slot < link_.outbox.size()) {
        Packet& pending = link_.outbox[connection.credit_slot];
        if (pending.kind == PacketKind::Credit && pending.src_endpoint == id_ &&
            pending.dst_endpoint == connection.peer_endpoint && pending.dst_handle == connection.peer_handle) {
            pending.amount += bytes;
            return;
        }
    }
    Packet credit = to_peer(connection, PacketKind::Credit, connection.handle);
    credit.amount = bytes;
    connection.credit_tick = os_.ticks();
    connection.credit_slot = link_.outbox.size();
    post(std::move(credit));
}

// What the VM sent in its current tick (counting from zero in a new one).
NetTickSends& NetEndpoint::sent_this_tick() {
    if (sent_.tick != os_.ticks()) sent_ = NetTickSends{.tick = os_.ticks()};
    return sent_;
}

// What it sent and nobody will read no longer counts against the VM.
void NetEndpoint::release_unread(NetConnection& connection) {
    unread_ -= connection.unread;
    connection.unread = 0;
    if (!credit_waiters_.empty()) wake_all(credit_waiters_);
}

void NetEndpoint::close_connection(std::uint32_t handle) {
    auto found = connections_.find(handle);
    if (found == connections_.end()) return;
    NetConnection& connection = found->second;
    // One still connecting is refused an Accepted that comes later (deliver).
    if (connection.state == NetConnection::State::Open) post_to_peer(connection, PacketKind::Close, handle);
    release_unread(connection);
    connections_.erase(found);
}

// --- datagrams ----------------------------------------------------------------

NetSend NetEndpoint::send_datagram(Pid from, NetAddress ip, std::uint16_t port, std::string_view data) {
    const NetLimits& limit = limits();
    if (data.size() > limit.datagram_bytes) return NetSend::TooLarge;
    NetTickSends& sent = sent_this_tick();
    if (sent.datagrams >= limit.datagrams_per_tick || sent.packets >= limit.packets_per_tick) return NetSend::NextTick;
    ++sent.datagrams;
    ++sent.packets;
    Packet packet;
    packet.kind = PacketKind::Datagram;
    packet.src_ip = own_address();
    // Each process sends from a port of its own, so that it can tell the
    // answers to it (their dst_port) from the others'.
    packet.src_port = static_cast<std::uint16_t>(kFirstEphemeralPort + from % (65536 - kFirstEphemeralPort));
    packet.dst_ip = ip;
    packet.dst_port = port;
    packet.src_endpoint = id_;
    packet.data.assign(data);
    post(std::move(packet));
    return NetSend::Sent;
}

void NetEndpoint::consume_datagram() {
    datagram_bytes_ -= datagrams_.front().data.size();
    datagrams_.pop();
}

// --- waiting and waking -------------------------------------------------------

void NetEndpoint::wait_for_datagram(Pid pid) {
    if (std::find(datagram_waiters_.begin(), datagram_waiters_.end(), pid) == datagram_waiters_.end()) {
        datagram_waiters_.push_back(pid);
    }
}

void NetEndpoint::wait_for_credit(Pid pid) {
    if (std::find(credit_waiters_.begin(), credit_waiters_.end(), pid) == credit_waiters_.end()) {
        credit_waiters_.push_back(pid);
    }
}

// Wakes `pid` if it waits in a net call; the call looks again at what it
// waits for, and waits again if this was not it.
void NetEndpoint::wake(Pid pid) {
    Process* process = live_process(os_, pid);
    const ProcessApiState* state = process == nullptr ? nullptr : KernelAccess::api_state(*process);
    if (state == nullptr) return;
    if (state->parked && state->block == BlockReason::Network) KernelAccess::wake(os_, *process);
}

void NetEndpoint::wake_all(std::vector<Pid>& waiting) {
    std::vector<Pid> woken;
    woken.swap(waiting);
    for (Pid pid : woken) wake(pid);
}

// --- packets from the network -------------------------------------------------

NetDelivery NetEndpoint::open_incoming(const Packet& packet) {
    auto refuse = [&] {
        answer(packet, PacketKind::Refused);
        return NetDelivery::Refused;
    };
    auto listening = std::find_if(listeners_.begin(), listeners_.end(),
                                  [&](const auto& entry) { return entry.second.port == packet.dst_port; });
    if (listening == listeners_.end()) return refuse();
    NetListener& listener = listening->second;
    if (connections_.size() >= limits().connections_per_vm ||
        count_connections(listener.owner) >= limits().connections_per_process ||
        over_source_share(listener.owner, packet.src_endpoint)) {
        return refuse();
    }
    const std::uint32_t handle = next_handle_++;
    NetConnection& connection = connections_[handle];
    connection.state = NetConnection::State::Open;
    connection.incoming = true;
    connection.owner = listener.owner;
    connection.handle = handle;
    connection.listener = listening->first;
    connection.local_port = packet.dst_port;
    connection.peer_ip = packet.src_ip;
    connection.peer_port = packet.src_port;
    connection.peer_endpoint = packet.src_endpoint;
    connection.peer_handle = packet.src_handle;
    connection.latency_ticks = packet.latency_ticks;
    connection.credit = limits().connection_bytes;
    listener.pending.push(handle);
    post_to_peer(connection, PacketKind::Accepted, handle);
    // Only an owner waiting in accept on this listener has anything to do
    // with it: one parked in conn:recv is not given a slice for nothing.
    if (listener.owner_waits) {
        listener.owner_waits = false;
        wake(listener.owner);
    }
    return NetDelivery::Delivered;
}

NetDelivery NetEndpoint::deliver(Packet& packet) {
    if (packet.kind == PacketKind::Connect) return open_incoming(packet);
    if (packet.kind == PacketKind::Datagram) {
        const NetLimits& limit = limits();
        if (datagrams_.size() >= limit.datagram_queue || packet.data.size() > limit.datagram_queue_bytes - datagram_bytes_) {
            return NetDelivery::Dropped;
        }
        datagram_bytes_ += packet.data.size();
        datagrams_.push({packet.src_ip, packet.src_port, packet.dst_port, std::move(packet.data)});
        wake_all(datagram_waiters_);
        return NetDelivery::Delivered;
    }
    auto found = connections_.find(packet.dst_handle);
    if (found == connections_.end()) {
        // Closed here already: an Accepted for a connect that gave up is
        // answered, so that the listener's side closes too.
        if (packet.kind == PacketKind::Accepted) answer(packet, PacketKind::Close);
        return NetDelivery::Dropped;
    }
    NetConnection& connection = found->second;
    using State = NetConnection::State;
    switch (packet.kind) {
        case PacketKind::Accepted:
            if (connection.state != State::Connecting) return NetDelivery::Dropped;
            connection.state = State::Open;
            connection.peer_endpoint = packet.src_endpoint;
            connection.peer_handle = packet.src_handle;
            connection.latency_ticks = packet.latency_ticks;
            break;
        case PacketKind::Refused:
        case PacketKind::Unreachable:
            if (connection.state != State::Connecting) return NetDelivery::Dropped;
            connection.state = packet.kind == PacketKind::Refused ? State::Refused : State::Unreachable;
            break;
        case PacketKind::Data:
            if (connection.state != State::Open) return NetDelivery::Dropped;
            connection.inbox_bytes += packet.data.size();
            connection.inbox.push(std::move(packet.data));
            break;
        case PacketKind::Credit: {
            const auto amount = static_cast<std::size_t>(std::min<std::uint64_t>(packet.amount, connection.unread));
            connection.credit += amount;
            connection.unread -= amount;
            unread_ -= amount;
            if (!credit_waiters_.empty()) wake_all(credit_waiters_);
            break;
        }
        case PacketKind::Close:
            if (connection.listener != 0 && connection.inbox.empty()) {
                reclaim_unaccepted(found->first, connection);
                return NetDelivery::Delivered;
            }
            if (connection.state == State::Connecting) {
                connection.state = State::Refused;
            } else if (connection.state == State::Open) {
                connection.state = State::PeerClosed;
            }
            release_unread(connection);
            break;
        case PacketKind::Connect:
        case PacketKind::Datagram:
        case PacketKind::EndpointGone:
            return NetDelivery::Dropped;
    }
    // Nobody can wait on a connection not accepted yet (no process holds it).
    if (connection.listener == 0) wake(connection.owner);
    return NetDelivery::Delivered;
}

// A connection closed by its peer before it was accepted, that brought
// nothing: accepting it would give only the end of the stream, so it leaves
// the listener's queue and the VM's table now, rather than holding a slot.
void NetEndpoint::reclaim_unaccepted(std::uint32_t handle, NetConnection& connection) {
    auto listening = listeners_.find(connection.listener);
    if (listening != listeners_.end()) listening->second.pending.erase(handle);
    release_unread(connection);
    connections_.erase(handle);
}

void NetEndpoint::on_process_ended(Pid pid) {
    std::vector<std::uint32_t> handles;
    for (const auto& [handle, listener] : listeners_) {
        if (listener.owner == pid) handles.push_back(handle);
    }
    for (std::uint32_t handle : handles) close_listener(handle);
    handles.clear();
    for (const auto& [handle, connection] : connections_) {
        if (connection.owner == pid) handles.push_back(handle);
    }
    for (std::uint32_t handle : handles) close_connection(handle);
    std::erase(datagram_waiters_, pid);
    std::erase(credit_waiters_, pid);
}

}  // namespace luaos
