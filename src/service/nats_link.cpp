#include "service/nats_link.hpp"

#include <nats/nats.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

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

// Gives the message to `handler`, then frees it.
void hand_over(natsMsg* message, const NatsLink::Handler& handler) {
    try {
        const char* reply = natsMsg_GetReply(message);
        const NatsMessage received{natsMsg_GetSubject(message), reply != nullptr ? reply : "",
                                   std::string_view(natsMsg_GetData(message),
                                                    static_cast<std::size_t>(natsMsg_GetDataLength(message)))};
        handler(received);
    } catch (...) {
        // Nothing may unwind into the C client; a request that could not be
        // taken in (out of memory) is lost, and its sender times out.
    }
    natsMsg_Destroy(message);
}

}  // namespace

struct NatsLink::Tally {
    std::mutex mutex;
    std::condition_variable done;
    std::size_t alive = 0;
};

// A listener's handler, freed by the client once it can no longer be called.
struct NatsLink::Listener {
    Handler handler;
    std::shared_ptr<Tally> tally;
};

NatsLink::NatsLink(const std::string& url, const std::string& name) : tally_(std::make_shared<Tally>()) {
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
    // A node listens on one subject per VM: the client's shared delivery
    // thread, not a thread per subscription (which keeps each one's order).
    check(natsOptions_UseGlobalMessageDelivery(guard.options, true), "NATS delivery");
    const std::string where = "cannot connect to NATS at " + url;
    check(natsConnection_Connect(&connection_, guard.options), where.c_str());
}

NatsLink::~NatsLink() {
    // No handler may run once the link's owner is gone.
    drain_subscription(kCloseDrainTimeout);
    natsSubscription_Destroy(subscription_);
    end_listeners();
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
    hand_over(message, static_cast<NatsLink*>(closure)->handler_);
}

NatsLink::ListenerId NatsLink::listen(const std::string& subject, const std::string& queue, Handler handler) {
    auto listener = std::make_unique<Listener>(Listener{std::move(handler), tally_});
    natsSubscription* subscription = nullptr;
    const std::string what = "cannot subscribe to " + subject;
    if (queue.empty()) {
        check(natsConnection_Subscribe(&subscription, connection_, subject.c_str(), &NatsLink::deliver_to_listener,
                                       listener.get()),
              what.c_str());
    } else {
        check(natsConnection_QueueSubscribe(&subscription, connection_, subject.c_str(), queue.c_str(),
                                            &NatsLink::deliver_to_listener, listener.get()),
              what.c_str());
    }
    if (natsSubscription_SetOnCompleteCB(subscription, &NatsLink::listener_done, listener.get()) != NATS_OK) {
        // The handler must outlive every call: without the callback that
        // frees it, it is kept (a few bytes) until the process ends.
        natsSubscription_Destroy(subscription);
        listener.release();
        throw NatsError(what);
    }
    {
        std::lock_guard lock(tally_->mutex);
        ++tally_->alive;
    }
    listener.release();  // the client's until listener_done
    const ListenerId id = next_listener_++;
    listeners_.emplace(id, subscription);
    return id;
}

void NatsLink::stop_listening(ListenerId id) {
    reap_drained();
    const auto found = listeners_.find(id);
    if (found == listeners_.end()) return;
    natsSubscription* subscription = found->second;
    listeners_.erase(found);
    // Drained, not cut: what the server had already sent it is handled
    // still (a request answered rather than lost); destroyed once done.
    if (natsSubscription_DrainTimeout(subscription, kCloseDrainTimeout.count()) == NATS_OK) {
        draining_.push_back(subscription);
    } else {
        natsSubscription_Destroy(subscription);
    }
}

void NatsLink::reap_drained() {
    std::erase_if(draining_, [](natsSubscription* subscription) {
        if (natsSubscription_DrainCompletionStatus(subscription) == NATS_ILLEGAL_STATE) return false;  // not yet
        natsSubscription_Destroy(subscription);
        return true;
    });
}

void NatsLink::deliver_to_listener(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    hand_over(message, static_cast<Listener*>(closure)->handler);
}

void NatsLink::listener_done(void* closure) {
    std::unique_ptr<Listener> listener(static_cast<Listener*>(closure));
    std::lock_guard lock(listener->tally->mutex);
    --listener->tally->alive;
    listener->tally->done.notify_all();
}

void NatsLink::end_listeners() {
    for (const auto& [id, subscription] : listeners_) natsSubscription_Destroy(subscription);
    listeners_.clear();
    for (natsSubscription* subscription : draining_) natsSubscription_Destroy(subscription);
    draining_.clear();
    // No handler may run once the link's owner is gone: wait until the
    // client says each has returned for the last time.
    std::unique_lock lock(tally_->mutex);
    tally_->done.wait_for(lock, kCloseDrainTimeout, [this] { return tally_->alive == 0; });
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
