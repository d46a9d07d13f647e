#pragma once
// The game server's side in tests: a plain NATS client (Debian's C client)
// that sends requests to a node and reads its replies and events.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

struct __natsConnection;
struct __natsSubscription;

namespace luaos::service_test {

using Json = nlohmann::ordered_json;

// Whether `reply` is a success reply ({"ok": true, ...}).
inline bool ok(const Json& reply) { return reply.is_object() && reply.contains("ok") && reply["ok"] == true; }

// Generous: replies wait at most a frame, but the machine may be loaded.
inline constexpr std::chrono::milliseconds kReplyTimeout{30'000};

// Messages on a subject (wildcards allowed), from the moment of subscribing.
class Watch {
public:
    Watch(__natsConnection* connection, const std::string& subject);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    // The next message as JSON (null when none comes within `timeout`).
    Json next(std::chrono::milliseconds timeout = kReplyTimeout);
    // Reads messages until one satisfies `wanted`, keeping all it read in
    // seen(); null when none does within `timeout`.
    Json wait_for(const std::function<bool(const Json&)>& wanted, std::chrono::milliseconds timeout = kReplyTimeout);
    const std::vector<Json>& seen() const { return seen_; }

private:
    __natsSubscription* subscription_ = nullptr;
    std::vector<Json> seen_;
};

class NatsClient {
public:
    explicit NatsClient(const std::string& url);
    ~NatsClient();
    NatsClient(const NatsClient&) = delete;
    NatsClient& operator=(const NatsClient&) = delete;

    // Sends `body` and returns the reply parsed (null when none came, or
    // when it was not JSON).
    Json request(const std::string& subject, const std::string& body);
    Json request(const std::string& subject, const Json& body) { return request(subject, body.dump()); }
    // Whether a request to `subject` hears at once that nobody listens
    // there (NATS's "no responders"), rather than a reply or a timeout.
    bool nobody_listens(const std::string& subject, const std::string& body = "{}");
    // Publishes without a reply subject.
    void publish(const std::string& subject, const std::string& body);
    // Publishes with `reply` as the reply subject, without waiting.
    void publish_request(const std::string& subject, const std::string& reply, const std::string& body);
    // Subscribes, and makes sure the server knows before returning.
    std::unique_ptr<Watch> watch(const std::string& subject);

private:
    __natsConnection* connection_ = nullptr;
};

}  // namespace luaos::service_test
