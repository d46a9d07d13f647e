#pragma once
// One connection to a NATS server (Debian's libnats, the C client): connect,
// the node's request subscription, listeners (more subscriptions, started and
// ended at any time), publish, and a drained close. Handlers run on the
// client's delivery thread (one, shared by every subscription), never on the
// caller's.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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
    // Another subscription (a member of the queue group `queue` when it is
    // not empty: the server gives each message to one member), until
    // stop_listening. Not flushed: what the link publishes after it reaches
    // the server after it. Throws NatsError.
    using ListenerId = std::uint64_t;
    ListenerId listen(const std::string& subject, const std::string& queue, Handler handler);
    // Ends a listener: the server sends it nothing more, and what it had
    // sent is still handled (a drain). Its handler is never called once the
    // link is gone.
    void stop_listening(ListenerId id);
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

    struct Listener;
    static void deliver_to_listener(__natsConnection* connection, __natsSubscription* subscription,
                                    __natsMsg* message, void* closure);
    static void listener_done(void* closure);
    void end_listeners();
    void reap_drained();
    struct Tally;

    __natsConnection* connection_ = nullptr;
    __natsSubscription* subscription_ = nullptr;
    bool drained_ = false;
    Handler handler_;
    std::unordered_map<ListenerId, __natsSubscription*> listeners_;  // on the owner's thread
    ListenerId next_listener_ = 1;
    std::vector<__natsSubscription*> draining_;  // stopped listeners, until drained
    // How many listeners' handlers may still be called.
    std::shared_ptr<Tally> tally_;
};

}  // namespace luaos::service
