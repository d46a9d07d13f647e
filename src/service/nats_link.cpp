#include "service/nats_link.hpp"

#include <nats/nats.h>

#include <cstdint>
#include <utility>

namespace luaos::service {
namespace {

// Throws with the client's own account of what failed.
void check(natsStatus status, const char* what) {
    if (status == NATS_OK) return;
    const char* detail = nats_GetLastError(nullptr);
    throw NatsError(std::string(what) + ": " + natsStatus_GetText(status) +
                    (detail != nullptr && *detail != '\0' ? std::string(" (") + detail + ")" : std::string()));
}

// Owns a natsOptions until the connection has copied it.
struct OptionsGuard {
    natsOptions* options = nullptr;
    ~OptionsGuard() { natsOptions_Destroy(options); }
};

constexpr int kConnectTimeoutMs = 5000;
constexpr int kReconnectWaitMs = 500;
constexpr std::chrono::milliseconds kCloseDrainTimeout{2000};

}  // namespace

NatsLink::NatsLink(const std::string& url, const std::string& name) {
    OptionsGuard guard;
    check(natsOptions_Create(&guard.options), "NATS options");
    check(natsOptions_SetURL(guard.options, url.c_str()), "NATS URL");
    check(natsOptions_SetName(guard.options, name.c_str()), "NATS client name");
    check(natsOptions_SetTimeout(guard.options, kConnectTimeoutMs), "NATS timeout");
    // A node outlives a broker's restart: it keeps trying, for ever.
    check(natsOptions_SetMaxReconnect(guard.options, -1), "NATS reconnect");
    check(natsOptions_SetReconnectWait(guard.options, kReconnectWaitMs), "NATS reconnect wait");
    // What the node publishes (replies, events) must not come back to it
    // through its own wildcard subscription.
    check(natsOptions_SetNoEcho(guard.options, true), "NATS no-echo");
    const std::string where = "cannot connect to NATS at " + url;
    check(natsConnection_Connect(&connection_, guard.options), where.c_str());
}

NatsLink::~NatsLink() {
    // No handler may run once the link's owner is gone.
    drain_subscription(kCloseDrainTimeout);
    natsSubscription_Destroy(subscription_);
    if (connection_ != nullptr) {
        natsConnection_Close(connection_);
        natsConnection_Destroy(connection_);
    }
}

void NatsLink::subscribe(const std::string& subject, Handler handler) {
    handler_ = std::move(handler);
    const std::string what = "cannot subscribe to " + subject;
    check(natsConnection_Subscribe(&subscription_, connection_, subject.c_str(), &NatsLink::deliver, this),
          what.c_str());
    // Once the server has answered a ping it has the subscription: a request
    // sent after the constructor returns finds the node.
    check(natsConnection_FlushTimeout(connection_, kConnectTimeoutMs), what.c_str());
}

void NatsLink::deliver(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    auto* link = static_cast<NatsLink*>(closure);
    try {
        const char* reply = natsMsg_GetReply(message);
        const NatsMessage received{natsMsg_GetSubject(message), reply != nullptr ? reply : "",
                                   std::string_view(natsMsg_GetData(message),
                                                    static_cast<std::size_t>(natsMsg_GetDataLength(message)))};
        link->handler_(received);
    } catch (...) {
        // Nothing may unwind into the C client; a request that could not be
        // taken in (out of memory) is lost, and its sender times out.
    }
    natsMsg_Destroy(message);
}

void NatsLink::drain_subscription(std::chrono::milliseconds timeout) {
    if (subscription_ == nullptr || drained_) return;
    drained_ = true;
    if (natsSubscription_DrainTimeout(subscription_, timeout.count()) != NATS_OK) return;
    natsSubscription_WaitForDrainCompletion(subscription_, timeout.count());
}

bool NatsLink::publish(const std::string& subject, std::string_view data) {
    return natsConnection_Publish(connection_, subject.c_str(), data.data(), static_cast<int>(data.size())) == NATS_OK;
}

bool NatsLink::flush(std::chrono::milliseconds timeout) {
    return natsConnection_FlushTimeout(connection_, timeout.count()) == NATS_OK;
}

std::size_t NatsLink::max_payload() const {
    const std::int64_t payload = natsConnection_GetMaxPayload(connection_);
    return payload > 0 ? static_cast<std::size_t>(payload) : 0;
}

}  // namespace luaos::service
