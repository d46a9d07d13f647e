#pragma once
// A broker, a node named t1 on it and a client: what most service tests need.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "nats_client.hpp"
#include "nats_server.hpp"
#include "running_node.hpp"

namespace luaos::service_test {

class NodeTest : public testing::Test {
protected:
    // Starts the node; a test may change `options` first.
    void start() {
        node = std::make_unique<RunningNode>(options);
    }
    void SetUp() override { options = test_node_options(server.url()); }

    // A request to luaos.t1.<operation>.
    Json ask(const std::string& operation, const Json& body = Json::object()) {
        return client.request("luaos.t1." + operation, body);
    }
    Json ask_raw(const std::string& operation, const std::string& body) {
        return client.request("luaos.t1." + operation, body);
    }
    // Creates a VM and returns its id (fails the test when it cannot).
    std::string create(const Json& body) {
        Json reply = ask("vm.create", body);
        if (!reply.is_object() || reply["ok"] != true) {
            ADD_FAILURE() << "create failed: " << reply.dump();
            return {};
        }
        return reply["vm"].get<std::string>();
    }

    NatsServer server;
    NatsClient client{server.url()};
    service::NodeOptions options;
    std::unique_ptr<RunningNode> node;
};

// Concatenates the "data" of the output events in `events` from `pid`.
inline std::string output_of(const std::vector<Json>& events, int pid) {
    std::string text;
    for (const Json& event : events) {
        if (event.value("event", "") == "output" && event.value("pid", 0) == pid) text += event.value("data", "");
    }
    return text;
}

inline bool is_event(const Json& event, const std::string& name, int pid = -1) {
    return event.value("event", "") == name && (pid < 0 || event.value("pid", 0) == pid);
}

}  // namespace luaos::service_test
