#pragma once
// A real nats-server for a test: started on a free loopback port, stopped
// with the test. No mock stands in for the broker.

#include <string>

#include <sys/types.h>

namespace luaos::service_test {

class NatsServer {
public:
    // Starts Debian's nats-server (the path CMake found) and waits until it
    // accepts connections; throws std::runtime_error if it never does.
    NatsServer();
    ~NatsServer();  // SIGTERM, then waits for it
    NatsServer(const NatsServer&) = delete;
    NatsServer& operator=(const NatsServer&) = delete;

    std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }

    // A loopback port nothing listens on (just now).
    static int free_port();

private:
    bool start_on(int port);

    pid_t child_ = -1;
    int port_ = 0;
};

}  // namespace luaos::service_test
