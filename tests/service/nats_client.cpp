#include "nats_client.hpp"

#include <nats/nats.h>

#include <memory>
#include <stdexcept>

namespace luaos::service_test {
namespace {

Json parse(natsMsg* message) {
    const std::string text(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message)));
    natsMsg_Destroy(message);
    Json parsed = Json::parse(text, nullptr, false);
    return parsed.is_discarded() ? Json() : parsed;
}

void check(natsStatus status, const char* what) {
    if (status != NATS_OK) throw std::runtime_error(std::string(what) + ": " + natsStatus_GetText(status));
}

}  // namespace

Watch::Watch(natsConnection* connection, const std::string& subject) {
    check(natsConnection_SubscribeSync(&subscription_, connection, subject.c_str()), "subscribe");
    // Events may come in bursts faster than a test reads them.
    natsSubscription_SetPendingLimits(subscription_, -1, -1);
    check(natsConnection_Flush(connection), "flush");
}

Watch::~Watch() { natsSubscription_Destroy(subscription_); }

Json Watch::next(std::chrono::milliseconds timeout) {
    natsMsg* message = nullptr;
    if (natsSubscription_NextMsg(&message, subscription_, timeout.count()) != NATS_OK) return Json();
    Json parsed = parse(message);
    seen_.push_back(parsed);
    return parsed;
}

Json Watch::wait_for(const std::function<bool(const Json&)>& wanted, std::chrono::milliseconds timeout) {
    const auto give_up = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(give_up - std::chrono::steady_clock::now());
        if (left.count() <= 0) return Json();
        Json message = next(left);
        if (message.is_null()) return Json();
        if (wanted(message)) return message;
    }
}

NatsClient::NatsClient(const std::string& url) {
    check(natsConnection_ConnectTo(&connection_, url.c_str()), "connect");
}

NatsClient::~NatsClient() {
    natsConnection_Close(connection_);
    natsConnection_Destroy(connection_);
}

Json NatsClient::request(const std::string& subject, const std::string& body) {
    natsMsg* reply = nullptr;
    const natsStatus status = natsConnection_Request(&reply, connection_, subject.c_str(), body.data(),
                                                     static_cast<int>(body.size()), kReplyTimeout.count());
    if (status != NATS_OK) return Json();
    return parse(reply);
}

bool NatsClient::nobody_listens(const std::string& subject, const std::string& body) {
    natsMsg* reply = nullptr;
    const natsStatus status = natsConnection_Request(&reply, connection_, subject.c_str(), body.data(),
                                                     static_cast<int>(body.size()), kReplyTimeout.count());
    natsMsg_Destroy(reply);
    return status == NATS_NO_RESPONDERS;
}

void NatsClient::publish(const std::string& subject, const std::string& body) {
    check(natsConnection_Publish(connection_, subject.c_str(), body.data(), static_cast<int>(body.size())), "publish");
}

void NatsClient::publish_request(const std::string& subject, const std::string& reply, const std::string& body) {
    check(natsConnection_PublishRequest(connection_, subject.c_str(), reply.c_str(), body.data(),
                                        static_cast<int>(body.size())),
          "publish");
}

std::unique_ptr<Watch> NatsClient::watch(const std::string& subject) {
    return std::make_unique<Watch>(connection_, subject);
}

}  // namespace luaos::service_test
