#include "cli_runner.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <termios.h>
#include <grp.h>
#include <unistd.h>

extern char** environ;

namespace luaos::cli_test {
namespace {

struct Pipe {
    int read_end = -1;
    int write_end = -1;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    return {fds[0], fds[1]};
}

// A pseudo-terminal: `read_end` the master, `write_end` the terminal the child
// writes to. Output is passed as written ("\n" stays "\n").
Pipe make_terminal() {
    int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) throw std::runtime_error("no pty");
    int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (terminal < 0) throw std::runtime_error("cannot open the pty");
    termios modes{};
    ::tcgetattr(terminal, &modes);
    modes.c_oflag &= ~static_cast<tcflag_t>(ONLCR);
    ::tcsetattr(terminal, TCSANOW, &modes);
    return {master, terminal};
}

std::vector<std::string> environment_with(const std::vector<std::string>& changes) {
    std::vector<std::string> environment;
    auto name_of = [](const std::string& entry) { return entry.substr(0, entry.find('=')); };
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string text = *entry;
        bool replaced = false;
        for (const std::string& change : changes) replaced = replaced || name_of(change) == name_of(text);
        if (!replaced) environment.push_back(std::move(text));
    }
    for (const std::string& change : changes) {
        if (change.find('=') != std::string::npos) environment.push_back(change);
    }
    return environment;
}

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

CliSession::CliSession(const std::vector<std::string>& args, const SessionOptions& options) {
    // Writing to a child that has ended must be an error, not the test's death.
    std::signal(SIGPIPE, SIG_IGN);
    Pipe in = make_pipe();
    Pipe out = options.terminal == Terminal::Both ? make_terminal() : make_pipe();
    Pipe err = options.terminal == Terminal::StderrOnly ? make_terminal() : make_pipe();
    std::vector<std::string> environment = environment_with(options.environment);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(LUAOS_CLI_PATH));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);

    child_ = ::fork();
    if (child_ < 0) throw std::runtime_error("fork failed");
    if (child_ == 0) {
        // The descriptors are close-on-exec; dup2 makes the three copies that stay.
        ::dup2(in.read_end, STDIN_FILENO);
        ::dup2(out.write_end, STDOUT_FILENO);
        ::dup2(options.terminal == Terminal::Both ? out.write_end : err.write_end, STDERR_FILENO);
        if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) ::_exit(126);
        constexpr uid_t kNobody = 65534;
        if (options.unprivileged && ::geteuid() == 0 &&
            (::setgroups(0, nullptr) != 0 || ::setgid(kNobody) != 0 || ::setuid(kNobody) != 0)) {
            ::_exit(125);
        }
        std::signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(LUAOS_CLI_PATH, argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(in.read_end);
    ::close(out.write_end);
    ::close(err.write_end);
    stdin_fd_ = in.write_end;
    out_fd_ = out.read_end;
    err_fd_ = err.read_end;
    if (options.terminal == Terminal::Both) close_fd(err_fd_);
}

CliSession::~CliSession() {
    if (!finished_ && child_ > 0) {
        ::kill(child_, SIGKILL);
        int status = 0;
        ::waitpid(child_, &status, 0);
    }
    close_fd(stdin_fd_);
    close_fd(out_fd_);
    close_fd(err_fd_);
}

void CliSession::write_stdin(std::string_view text) {
    while (!text.empty()) {
        ssize_t count = ::write(stdin_fd_, text.data(), text.size());
        if (count < 0) {
            if (errno == EINTR) continue;
            return;  // the child has gone (EPIPE): what it read is what it got
        }
        text.remove_prefix(static_cast<std::size_t>(count));
    }
}

void CliSession::close_stdin() { close_fd(stdin_fd_); }

// Reads both streams together: draining one while the child blocks on the
// other, full one would deadlock.
bool CliSession::read_some(int timeout_ms) {
    std::array<pollfd, 2> fds{{{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}}};
    std::array<std::string*, 2> sinks{&result_.out, &result_.err};
    std::array<int*, 2> owners{&out_fd_, &err_fd_};
    if (out_fd_ < 0 && err_fd_ < 0) return false;
    int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) throw std::runtime_error("poll failed");
    char buffer[1 << 16];
    for (std::size_t i = 0; i < fds.size() && ready > 0; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        ssize_t count = ::read(fds[i].fd, buffer, sizeof buffer);
        if (count > 0) {
            sinks[i]->append(buffer, static_cast<std::size_t>(count));
        } else if (count == 0 || errno != EINTR) {
            close_fd(*owners[i]);  // EOF, or EIO: a terminal nobody holds any more
        }
    }
    return out_fd_ >= 0 || err_fd_ >= 0;
}

bool CliSession::wait_for(std::string_view text, bool in_err, std::size_t from, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string& seen = in_err ? result_.err : result_.out;
    for (;;) {
        if (seen.size() > from && seen.find(text, from) != std::string::npos) return true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        if (!read_some(static_cast<int>(left.count()))) return seen.find(text, from) != std::string::npos;
    }
}

void CliSession::signal(int number) { ::kill(child_, number); }

CliResult CliSession::finish(bool keep_stdin_open) {
    if (!keep_stdin_open) close_stdin();
    while (read_some(-1)) {
    }
    int status = 0;
    while (::waitpid(child_, &status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    finished_ = true;
    if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result_.signal = WTERMSIG(status);
    return result_;
}

CliResult run_luaos(const std::vector<std::string>& args, const std::string& working_dir) {
    return CliSession(args, {.working_dir = working_dir}).finish();
}

std::string scripts_dir() { return LUAOS_CLI_SCRIPTS; }

std::string script(const std::string& name) { return scripts_dir() + "/" + name; }

}  // namespace luaos::cli_test
