#include "nats_server.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace luaos::service_test {
namespace {

// Generous: a loaded 2-core machine under ASan starts processes slowly.
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr int kAttempts = 5;

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

bool accepts_connections(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const sockaddr_in address = loopback(port);
    const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

}  // namespace

int NatsServer::free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

NatsServer::NatsServer() {
    // Another process may take the port between free_port() and the
    // server's bind: then the server exits, and another port is tried.
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        if (start_on(free_port())) return;
    }
    throw std::runtime_error("nats-server (" LUAOS_NATS_SERVER ") did not start");
}

bool NatsServer::start_on(int port) {
    std::string port_text = std::to_string(port);
    std::vector<char*> argv = {const_cast<char*>(LUAOS_NATS_SERVER), const_cast<char*>("-a"),
                               const_cast<char*>("127.0.0.1"), const_cast<char*>("-p"), port_text.data(), nullptr};
    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        ::execv(LUAOS_NATS_SERVER, argv.data());
        ::_exit(127);
    }
    const auto give_up = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < give_up) {
        int status = 0;
        if (::waitpid(child, &status, WNOHANG) == child) return false;  // it exited: the port was taken
        if (accepts_connections(port)) {
            child_ = child;
            port_ = port;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    return false;
}

NatsServer::~NatsServer() {
    if (child_ < 0) return;
    ::kill(child_, SIGTERM);
    int status = 0;
    while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace luaos::service_test
