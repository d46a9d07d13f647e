#include "cli/stdin_link.hpp"

#include <cerrno>
#include <cstdint>
#include <ostream>
#include <poll.h>
#include <unistd.h>

#include "luaos/cluster.hpp"
#include "luaos/os.hpp"
#include "luaos/vm.hpp"

namespace luaos::cli {

StdinLink::StdinLink(int fd, int wake_fd, std::ostream& err) : fd_(fd), wake_fd_(wake_fd), err_(err) {}

void StdinLink::connect(Os& os, Pid pid, std::uint64_t vm_serial) {
    os_ = &os;
    pid_ = pid;
    vm_serial_ = vm_serial;
}

void StdinLink::on_exit(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    if (process.pid() == pid_ && vm != nullptr && vm->serial() == vm_serial_) target_ended_.store(true);
}

void StdinLink::after_tick(Cluster& cluster) {
    // An ended process's VM may be gone: its Os is not touched again.
    if (os_ == nullptr || closed_ || target_ended_.load()) return;
    deliver();
    if (lines_.empty() && !at_eof_) {
        read_input(waits_for_input(cluster) ? -1 : 0);
        split_lines();
        deliver();
    }
    if (!closed_ && at_eof_ && lines_.empty()) {
        os_->close_stdin(pid_);
        closed_ = true;
    }
}

bool StdinLink::waits_for_input(Cluster& cluster) {
    if (cluster.awake_vm_count() > 0) return false;
    bool timer_pending = false;
    cluster.for_each_vm([&](VirtualMachine& vm) {
        timer_pending = timer_pending || vm.os().next_wake_tick() != UINT64_MAX;
    });
    return !timer_pending;
}

void StdinLink::read_input(int timeout_ms) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, timeout_ms) <= 0 || fds[0].revents == 0) return;  // nothing yet, or a signal
    char buffer[1 << 16];
    ssize_t count = ::read(fd_, buffer, sizeof buffer);
    if (count > 0) {
        partial_.append(buffer, static_cast<std::size_t>(count));
    } else if (count == 0 || (errno != EINTR && errno != EAGAIN)) {
        at_eof_ = true;  // an input that cannot be read ends like one read to its end
    }
}

void StdinLink::split_lines() {
    std::size_t start = 0;
    for (std::size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1) {
        lines_.push_back(partial_.substr(start, end - start));
    }
    partial_.erase(0, start);
    if (partial_.size() >= kMaxLine || (at_eof_ && !partial_.empty())) {
        lines_.push_back(std::move(partial_));
        partial_.clear();
    }
}

void StdinLink::deliver() {
    while (!lines_.empty()) {
        switch (os_->write_stdin(pid_, lines_.front())) {
            case Delivery::Delivered:
                lines_.pop_front();
                break;
            case Delivery::Full:
                return;  // the process reads on: the rest waits here
            case Delivery::TooLarge:
                err_ << "luaos: --stdin: a line of " << lines_.front().size()
                     << " bytes is more than the process's stdin holds; it is dropped\n";
                lines_.pop_front();
                break;
            case Delivery::NotFound:
            case Delivery::Closed:
                // The process has ended, or closed its own stdin: nobody reads on.
                lines_.clear();
                closed_ = true;
                return;
        }
    }
}

}  // namespace luaos::cli
