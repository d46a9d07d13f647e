#include "game_client.hpp"

#include <nats/nats.h>

#include <stdexcept>

namespace luaos::service_test {
namespace {

void check(natsStatus status, const char* what) {
    if (status != NATS_OK) throw std::runtime_error(std::string("game client: ") + what + ": " + natsStatus_GetText(status));
}

}  // namespace

GameClient::GameClient(const std::string& url, const std::string& subject) {
    check(natsConnection_ConnectTo(&connection_, url.c_str()), "connect");
    check(natsConnection_SubscribeSync(&subscription_, connection_, subject.c_str()), "subscribe");
    check(natsConnection_Flush(connection_), "flush");
}

GameClient::~GameClient() {
    natsSubscription_Destroy(subscription_);
    natsConnection_Close(connection_);
    natsConnection_Destroy(connection_);
}

GameCall GameClient::next(std::chrono::milliseconds timeout) {
    natsMsg* message = nullptr;
    if (natsSubscription_NextMsg(&message, subscription_, timeout.count()) != NATS_OK) return {};
    GameCall call;
    call.subject = natsMsg_GetSubject(message);
    const char* reply = natsMsg_GetReply(message);
    call.reply = reply != nullptr ? reply : "";
    const std::string text(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)));
    natsMsg_Destroy(message);
    Json parsed = Json::parse(text, nullptr, false);
    if (!parsed.is_discarded()) call.body = std::move(parsed);
    return call;
}

void GameClient::answer(const GameCall& call, const std::string& text) {
    check(natsConnection_Publish(connection_, call.reply.c_str(), text.data(), static_cast<int>(text.size())),
          "answer");
    check(natsConnection_Flush(connection_), "flush");
}

}  // namespace luaos::service_test
