#include "cli/interrupt.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace luaos::cli {
namespace {

// Shared with the handler, hence global; lock-free atomics are
// async-signal-safe.
std::atomic<bool> g_stop{false};
std::atomic<int> g_received{0};
int g_wake_pipe[2] = {-1, -1};

constexpr int kSignals[] = {SIGINT, SIGTERM};
struct sigaction g_previous[2];
bool g_installed[2] = {false, false};

void write_all(int fd, const char* text) {
    std::size_t left = std::strlen(text);
    while (left > 0) {
        ssize_t count = ::write(fd, text, left);
        if (count < 0) {
            if (errno == EINTR) continue;
            return;
        }
        text += count;
        left -= static_cast<std::size_t>(count);
    }
}

extern "C" void on_interrupt(int number) {
    int first = 0;
    if (!g_received.compare_exchange_strong(first, number)) {
        // The second signal: its default action, at once (delivered when
        // this handler returns, the signal being blocked inside it).
        ::signal(number, SIG_DFL);
        ::raise(number);
        return;
    }
    const int saved_errno = errno;
    g_stop.store(true);
    write_all(STDERR_FILENO, number == SIGINT
                                 ? "\nluaos: SIGINT: stopping at the end of this tick (send it again to quit at once)\n"
                                 : "\nluaos: SIGTERM: stopping at the end of this tick (send it again to quit at once)\n");
    write_all(g_wake_pipe[1], "!");
    errno = saved_errno;
}

}  // namespace

InterruptSignals::InterruptSignals() {
    g_stop.store(false);
    g_received.store(0);
    if (::pipe2(g_wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("pipe failed");
    for (int i = 0; i < 2; ++i) {
        struct sigaction action {};
        action.sa_handler = on_interrupt;
        sigemptyset(&action.sa_mask);
        // Restart interrupted system calls: the engine's threads and the
        // output streams need not know about the signal.
        action.sa_flags = SA_RESTART;
        if (::sigaction(kSignals[i], nullptr, &g_previous[i]) != 0) continue;
        if (g_previous[i].sa_handler == SIG_IGN) continue;
        g_installed[i] = ::sigaction(kSignals[i], &action, nullptr) == 0;
    }
}

InterruptSignals::~InterruptSignals() {
    for (int i = 0; i < 2; ++i) {
        if (g_installed[i]) ::sigaction(kSignals[i], &g_previous[i], nullptr);
        g_installed[i] = false;
    }
    for (int& fd : g_wake_pipe) {
        ::close(fd);
        fd = -1;
    }
}

const std::atomic<bool>& InterruptSignals::stop_flag() const { return g_stop; }

int InterruptSignals::received() const { return g_received.load(); }

int InterruptSignals::wake_fd() const { return g_wake_pipe[0]; }

const char* InterruptSignals::name(int signal) {
    switch (signal) {
        case SIGINT: return "SIGINT";
        case SIGTERM: return "SIGTERM";
        default: return "a signal";
    }
}

}  // namespace luaos::cli
