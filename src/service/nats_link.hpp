#pragma once
// One connection to a NATS server (Debian's libnats, the C client): connect,
// one subscription, publish, and a drained close. The subscription's handler
// runs on the client's own delivery thread, never on the caller's.

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

struct __natsConnection;
struct __natsSubscription;
struct __natsMsg;

namespace luaos::service {

// The server could not be reached, or the client refused what was asked.
class NatsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct NatsMessage {
    std::string subject;
    std::string reply;  // empty when the sender expects no answer
    std::string_view data;  // valid during the handler's call only
};

class NatsLink {
public:
    using Handler = std::function<void(const NatsMessage& message)>;

    // Connects to `url` (e.g. nats://127.0.0.1:4222; a comma-separated list
    // for a cluster) as the client `name`. The client reconnects on its own
    // when the server goes away, and buffers what is published meanwhile.
    NatsLink(const std::string& url, const std::string& name);
    // Stops the subscription (waiting for a handler still running), then closes.
    ~NatsLink();
    NatsLink(const NatsLink&) = delete;
    NatsLink& operator=(const NatsLink&) = delete;

    // One subscription per link, known to the server when this returns;
    // `handler` runs on the client's thread.
    void subscribe(const std::string& subject, Handler handler);
    // Stops the subscription and waits (up to `timeout`) until every message
    // the server had already sent it has been handled.
    void drain_subscription(std::chrono::milliseconds timeout);
    // Any thread. False when the client refused it (closed, buffer full).
    bool publish(const std::string& subject, std::string_view data);
    // Waits until the server has everything published so far; false on timeout.
    bool flush(std::chrono::milliseconds timeout);
    // The largest message the server accepts (its max_payload).
    std::size_t max_payload() const;
    // The client's connection, for parts that subscribe on their own
    // (service/remote_calls.hpp); valid while the link lives.
    __natsConnection* connection() const { return connection_; }

private:
    static void deliver(__natsConnection* connection, __natsSubscription* subscription, __natsMsg* message,
                        void* closure);

    __natsConnection* connection_ = nullptr;
    __natsSubscription* subscription_ = nullptr;
    bool drained_ = false;
    Handler handler_;
};

}  // namespace luaos::service
