#include "service/net_bridge.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <utility>

#include "service/nats_link.hpp"
#include "service/net_wire.hpp"

namespace luaos::service {
namespace {

constexpr std::int64_t kCloseTimeoutMs = 2000;
constexpr std::string_view kDatagramReply = "d";
// A probe's body: shorter than any packet.
constexpr std::string_view kProbe = "luaos.net.probe";
// How long a probe waits for a node that subscribes to the address to answer.
constexpr std::int64_t kProbeTimeoutMs = 1000;

void check(natsStatus status, const std::string& what) {
    if (status != NATS_OK) throw NatsError(what + ": " + natsStatus_GetText(status));
}

std::optional<std::uint32_t> parse_u32(std::string_view text) {
    std::uint32_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

void stop_subscription(natsSubscription* subscription) {
    if (natsSubscription_Drain(subscription) == NATS_OK) {
        natsSubscription_WaitForDrainCompletion(subscription, kCloseTimeoutMs);
    }
    natsSubscription_Destroy(subscription);
}

}  // namespace

NetBridge::NetBridge(Network& network, std::string node, std::size_t queued_datagram_bytes)
    : network_(network), node_(std::move(node)), queued_datagram_bytes_(queued_datagram_bytes) {}

NetBridge::~NetBridge() { close(); }

void NetBridge::open(natsConnection* connection) {
    connection_ = connection;
    natsInbox* inbox = nullptr;
    check(natsInbox_Create(&inbox), "cannot make a reply inbox");
    inbox_prefix_ = std::string(inbox) + ".";
    natsInbox_Destroy(inbox);
    const std::string subject = inbox_prefix_ + ">";
    check(natsConnection_Subscribe(&inbox_, connection, subject.c_str(), &NetBridge::deliver, this),
          "cannot subscribe to " + subject);
    network_.set_address_observer([this](NetAddress address, bool held) { hold(address, held); });
    network_.set_remote_routing(true);
}

void NetBridge::close() {
    if (connection_ == nullptr) return;
    network_.set_remote_routing(false);
    network_.set_address_observer(nullptr);
    for (auto& [address, subscription] : held_) stop_subscription(subscription);
    held_.clear();
    if (inbox_ != nullptr) stop_subscription(inbox_);
    inbox_ = nullptr;
    connection_ = nullptr;
}

// The network says an address came or went: its subject follows. The
// subscription goes out before anything the node publishes after it (a
// create's reply), so whoever learns of the VM finds it subscribed.
void NetBridge::hold(NetAddress address, bool held) {
    if (connection_ == nullptr) return;
    auto found = held_.find(address);
    if (!held) {
        if (found == held_.end()) return;
        natsSubscription_Unsubscribe(found->second);
        natsSubscription_Destroy(found->second);
        held_.erase(found);
        return;
    }
    if (found != held_.end()) return;
    natsSubscription* subscription = nullptr;
    const std::string subject = net_subject(address);
    if (natsConnection_Subscribe(&subscription, connection_, subject.c_str(), &NetBridge::deliver, this) == NATS_OK) {
        natsSubscription_SetPendingLimits(subscription, -1, -1);  // credit bounds what a peer sends
        held_[address] = subscription;
    }
}

void NetBridge::send_all() {
    if (connection_ == nullptr) return;
    for (const RemotePacket& packet : network_.take_remote()) publish(packet);
}

void NetBridge::publish(const RemotePacket& packet) {
    const std::string body = encode_packet(packet);
    const std::string subject = net_subject(packet.to);
    const bool datagram = packet.kind == RemotePacket::Kind::Datagram;
    const std::string reply = inbox_prefix_ + (datagram ? std::string(kDatagramReply)
                                                        : std::to_string(packet.from_endpoint) + "." +
                                                              std::to_string(packet.from_handle));
    const natsStatus status = natsConnection_PublishRequest(connection_, subject.c_str(), reply.c_str(), body.data(),
                                                            static_cast<int>(body.size()));
    if (status == NATS_OK) {
        std::lock_guard lock(mutex_);
        ++counts_.packets_out;
        counts_.bytes_out += body.size();
        return;
    }
    // Refused by the client (too large for the server, closed): as if nobody could receive it.
    Arrival failed;
    failed.failed = true;
    failed.datagram = datagram;
    failed.endpoint = packet.from_endpoint;
    failed.handle = packet.from_handle;
    queue(std::move(failed));
}

void NetBridge::deliver(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    try {
        static_cast<NetBridge*>(closure)->receive(message);
    } catch (...) {
        // Nothing may unwind into the C client; a packet that could not be
        // queued (out of memory) is lost, and its connection stalls.
    }
    natsMsg_Destroy(message);
}

// On the client's thread: queue a packet, or a "no responders" for one this node sent.
void NetBridge::receive(natsMsg* message) {
    const std::string_view subject = natsMsg_GetSubject(message);
    Arrival arrival;
    if (subject.starts_with(inbox_prefix_)) {
        if (!natsMsg_IsNoResponders(message)) return;
        const std::string_view rest = subject.substr(inbox_prefix_.size());
        arrival.failed = true;
        if (rest == kDatagramReply) {
            arrival.datagram = true;
        } else {
            const std::size_t dot = rest.find('.');
            const auto endpoint = parse_u32(rest.substr(0, dot));
            const auto handle = dot == std::string_view::npos ? std::nullopt : parse_u32(rest.substr(dot + 1));
            if (!endpoint || !handle) return;
            arrival.endpoint = *endpoint;
            arrival.handle = *handle;
        }
    } else {
        arrival.body.assign(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)));
        if (arrival.body == kProbe) {
            answer_probe(message);
            return;
        }
    }
    queue(std::move(arrival));
}

// Another node asks whether this one subscribes to the address: it does.
void NetBridge::answer_probe(natsMsg* message) {
    const char* reply = natsMsg_GetReply(message);
    if (reply != nullptr && *reply != '\0') natsConnection_PublishString(connection_, reply, node_.c_str());
}

AddressHolder NetBridge::holder_elsewhere(NetAddress address) {
    if (connection_ == nullptr) return {};
    const std::string subject = net_subject(address);
    natsMsg* reply = nullptr;
    const natsStatus status = natsConnection_Request(&reply, connection_, subject.c_str(), kProbe.data(),
                                                     static_cast<int>(kProbe.size()), kProbeTimeoutMs);
    AddressHolder holder;
    if (status == NATS_OK) {
        holder.kind = AddressHolder::Kind::Node;
        holder.detail.assign(natsMsg_GetData(reply), static_cast<std::size_t>(natsMsg_GetDataLength(reply)));
    } else if (status == NATS_TIMEOUT) {
        holder.kind = AddressHolder::Kind::Silent;
        holder.detail = "a node subscribes to " + subject + " but did not answer within " +
                        std::to_string(kProbeTimeoutMs) + " ms";
    } else if (status != NATS_NO_RESPONDERS) {
        holder.kind = AddressHolder::Kind::Unknown;
        holder.detail = std::string("cannot ask the other nodes: ") + natsStatus_GetText(status);
    }
    natsMsg_Destroy(reply);
    return holder;
}

// Past the bound a datagram is dropped; every other arrival is queued.
void NetBridge::queue(Arrival arrival) {
    const std::size_t bytes = arrival.body.size();
    const bool datagram = !arrival.failed && is_datagram(arrival.body);
    std::lock_guard lock(mutex_);
    if (datagram && queued_datagrams_ + bytes > queued_datagram_bytes_) {
        ++counts_.datagrams_dropped;
        return;
    }
    if (datagram) queued_datagrams_ += bytes;
    queued_bytes_ += bytes;
    counts_.queued_peak_bytes = std::max<std::uint64_t>(counts_.queued_peak_bytes, queued_bytes_);
    arrived_.push_back(std::move(arrival));
}

void NetBridge::receive_all() {
    std::vector<Arrival> arrived;
    {
        std::lock_guard lock(mutex_);
        arrived.swap(arrived_);
        queued_bytes_ = 0;
        queued_datagrams_ = 0;
    }
    for (Arrival& arrival : arrived) inject(arrival);
}

void NetBridge::inject(Arrival& arrival) {
    if (arrival.failed && arrival.datagram) {
        count(&NetBridgeCounts::datagrams_lost);
    } else if (arrival.failed) {
        count(&NetBridgeCounts::undeliverable);
        network_.remote_undeliverable(arrival.endpoint, arrival.handle);
    } else if (std::optional<RemotePacket> packet = decode_packet(arrival.body)) {
        {
            std::lock_guard lock(mutex_);
            ++counts_.packets_in;
            counts_.bytes_in += arrival.body.size();
        }
        network_.deliver_remote(std::move(*packet));
    } else {
        count(&NetBridgeCounts::malformed);
    }
}

void NetBridge::count(std::uint64_t NetBridgeCounts::*counter) {
    std::lock_guard lock(mutex_);
    ++(counts_.*counter);
}

NetBridgeCounts NetBridge::counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
}

}  // namespace luaos::service
