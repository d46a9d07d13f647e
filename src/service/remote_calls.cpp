#include "service/remote_calls.hpp"

#include <nats/nats.h>

#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "service/control_api.hpp"
#include "service/host_value_json.hpp"
#include "service/nats_link.hpp"
#include "service/request_fields.hpp"

namespace luaos::service {
namespace {

// The longest error text of a game's reply that reaches the script.
constexpr std::size_t kMaxErrorBytes = 1024;
constexpr std::int64_t kCloseTimeoutMs = 2000;

void check(natsStatus status, const std::string& what) {
    if (status != NATS_OK) throw NatsError(what + ": " + natsStatus_GetText(status));
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
    std::uint64_t number = 0;
    const char* last = text.data() + text.size();
    auto [end, error] = std::from_chars(text.data(), last, number);
    if (text.empty() || error != std::errc{} || end != last) return std::nullopt;
    return number;
}

std::string malformed(const std::string& why) { return "a malformed reply from the game (" + why + ")"; }

// A reply's "result": the values the script's call returns.
std::vector<HostValue> results_of(const Json& result) {
    std::vector<HostValue> results;
    results.reserve(result.size());
    for (const Json& value : result) results.push_back(host_value_from_json(value));
    return results;
}

}  // namespace

RemoteCalls::RemoteCalls(std::string node, RemoteCallOptions options)
    : node_(std::move(node)), options_(options) {}

RemoteCalls::~RemoteCalls() { close(); }

void RemoteCalls::open(natsConnection* connection) {
    natsInbox* inbox = nullptr;
    check(natsInbox_Create(&inbox), "cannot make a reply inbox");
    inbox_prefix_ = std::string(inbox) + ".";
    natsInbox_Destroy(inbox);
    const std::string subject = inbox_prefix_ + "*";
    check(natsConnection_Subscribe(&inbox_, connection, subject.c_str(), &RemoteCalls::deliver, this),
          "cannot subscribe to " + subject);
    // The server knows the inbox before the first call's reply comes.
    check(natsConnection_Flush(connection), "cannot subscribe to " + subject);
    connection_ = connection;
}

void RemoteCalls::close() {
    if (inbox_ == nullptr) return;
    if (natsSubscription_Drain(inbox_) == NATS_OK) natsSubscription_WaitForDrainCompletion(inbox_, kCloseTimeoutMs);
    natsSubscription_Destroy(inbox_);
    inbox_ = nullptr;
    connection_ = nullptr;
}

std::string RemoteCalls::subject(const std::string& library, const std::string& function) const {
    return "luaos." + node_ + ".call." + library + "." + function;
}

HostLibrary RemoteCalls::library(const RemoteLibrarySpec& spec) {
    HostLibrary library(spec.name);
    for (const std::string& function : spec.functions) {
        library.add_async(function, [this, subject = subject(spec.name, function)](AsyncCall call) {
            start(subject, std::move(call));
        });
    }
    return library;
}

void RemoteCalls::start(const std::string& subject, AsyncCall call) {
    if (connection_ == nullptr) throw NatsError("the node is not connected to NATS");
    const std::string body = serialize(Json{{"node", node_},
                                            {"vm", vm_id_text(call.vm().value())},
                                            {"pid", call.pid()},
                                            {"function", call.function()},
                                            {"args", host_values_to_json(call.args())}});
    std::uint64_t number = 0;
    {
        std::lock_guard lock(mutex_);
        number = next_number_++;
        pending_.emplace(number, Pending{std::move(call), subject, Clock::now() + options_.timeout});
    }
    // Filed before it is sent: the reply may come before the publish returns.
    const std::string reply = inbox_prefix_ + std::to_string(number);
    const natsStatus status = natsConnection_PublishRequest(connection_, subject.c_str(), reply.c_str(), body.data(),
                                                            static_cast<int>(body.size()));
    if (status == NATS_OK) return;
    if (std::optional<Pending> unsent = take(number)) {
        unsent->call.fail(std::string("the call could not be sent to the game: ") + natsStatus_GetText(status));
    }
}

void RemoteCalls::expire(Clock::time_point now) {
    std::vector<Pending> expired;
    {
        std::lock_guard lock(mutex_);
        while (!pending_.empty() && pending_.begin()->second.deadline <= now) {
            expired.push_back(std::move(pending_.begin()->second));
            pending_.erase(pending_.begin());
        }
    }
    for (Pending& pending : expired) {
        pending.call.fail("no reply from the game within " + std::to_string(options_.timeout.count()) + " ms (" +
                          pending.subject + ")");
    }
}

std::size_t RemoteCalls::in_flight() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

std::optional<RemoteCalls::Pending> RemoteCalls::take(std::uint64_t number) {
    std::lock_guard lock(mutex_);
    auto found = pending_.find(number);
    if (found == pending_.end()) return std::nullopt;
    Pending pending = std::move(found->second);
    pending_.erase(found);
    return pending;
}

void RemoteCalls::deliver(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    try {
        static_cast<RemoteCalls*>(closure)->receive(message);
    } catch (...) {
        // Nothing may unwind into the C client. A reply that could not be
        // read (out of memory) leaves its call to the timeout.
    }
    natsMsg_Destroy(message);
}

void RemoteCalls::receive(natsMsg* message) {
    const std::string_view subject = natsMsg_GetSubject(message);
    if (subject.substr(0, inbox_prefix_.size()) != inbox_prefix_) return;
    const std::optional<std::uint64_t> number = parse_number(subject.substr(inbox_prefix_.size()));
    if (!number) return;
    std::optional<Pending> pending = take(*number);
    if (!pending) return;  // late (timed out), answered twice, or never asked
    if (natsMsg_IsNoResponders(message)) {
        pending->call.fail("no game server answers " + pending->subject);
        return;
    }
    answer(pending->call,
           std::string_view(natsMsg_GetData(message), static_cast<std::size_t>(natsMsg_GetDataLength(message))));
}

void RemoteCalls::answer(AsyncCall& call, std::string_view reply) const {
    if (reply.size() > options_.reply_bytes) {
        call.fail(malformed("larger than " + std::to_string(options_.reply_bytes) + " bytes"));
        return;
    }
    Json body;
    try {
        body = parse_request_body(reply, options_.json_depth);
    } catch (const RequestError& error) {
        call.fail(malformed(error.what()));
        return;
    }
    const bool has_result = body.contains("result");
    if (has_result == body.contains("error")) {
        call.fail(malformed("it needs exactly one of \"result\" and \"error\""));
        return;
    }
    if (!has_result) {
        const Json& error = body["error"];
        if (!error.is_string()) {
            call.fail(malformed("\"error\" must be a string"));
            return;
        }
        call.fail(error.get_ref<const std::string&>().substr(0, kMaxErrorBytes));
        return;
    }
    const Json& result = body["result"];
    if (!result.is_array()) {
        call.fail(malformed("\"result\" must be an array of the values the call returns"));
        return;
    }
    call.complete(results_of(result));
}

}  // namespace luaos::service
