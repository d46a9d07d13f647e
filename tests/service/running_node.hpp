#pragma once
// A node serving on a thread of the test, as `luaos serve` runs it.

#include <atomic>
#include <string>
#include <thread>
#include <utility>

#include "service/node.hpp"

namespace luaos::service_test {

// The options tests start from: one worker, the default pace.
inline service::NodeOptions test_node_options(const std::string& url, const std::string& name = "t1") {
    service::NodeOptions options;
    options.nats_url = url;
    options.name = name;
    options.cluster.threads = 1;
    return options;
}

class RunningNode {
public:
    explicit RunningNode(service::NodeOptions options)
        : node_(std::move(options)), thread_([this] { report_ = node_.serve(stop_); }) {}
    ~RunningNode() { stop(); }
    RunningNode(const RunningNode&) = delete;
    RunningNode& operator=(const RunningNode&) = delete;

    // Stops it as a signal would, and waits for the drain to end.
    service::NodeReport stop() {
        stop_.store(true);
        if (thread_.joinable()) thread_.join();
        return report_;
    }

private:
    std::atomic<bool> stop_{false};
    service::Node node_;
    service::NodeReport report_;
    std::thread thread_;
};

}  // namespace luaos::service_test
