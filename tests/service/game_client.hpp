#pragma once
// The game's side of host functions served over NATS, in tests: a plain
// NATS client that takes the node's calls (luaos.<node>.call.>) one by one
// and answers them with whatever text the test wants, valid or not.

#include <chrono>
#include <string>

#include "nats_client.hpp"

struct __natsConnection;
struct __natsSubscription;

namespace luaos::service_test {

// One call a script made, as the game receives it.
struct GameCall {
    std::string subject;  // empty when none came
    std::string reply;
    Json body;            // null when the body is not JSON
};

class GameClient {
public:
    // Subscribes to `subject` (e.g. luaos.t1.call.>), known to the server
    // when this returns.
    GameClient(const std::string& url, const std::string& subject);
    ~GameClient();
    GameClient(const GameClient&) = delete;
    GameClient& operator=(const GameClient&) = delete;

    // The next call (an empty subject when none comes within `timeout`).
    GameCall next(std::chrono::milliseconds timeout = kReplyTimeout);
    // Replies to `call` with `text` as it is.
    void answer(const GameCall& call, const std::string& text);
    void answer(const GameCall& call, const Json& reply) { answer(call, reply.dump()); }

private:
    __natsConnection* connection_ = nullptr;
    __natsSubscription* subscription_ = nullptr;
};

}  // namespace luaos::service_test
