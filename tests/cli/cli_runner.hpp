#pragma once
// Runs the built `luaos` binary as the CLI's external tests do: a child
// process, with its stdout, stderr and exit status captured. CliSession also
// lets a test talk to it while it runs: type lines on its stdin, wait for
// what it prints, signal it, or give it a terminal.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace luaos::cli_test {

struct CliResult {
    int exit_code = -1;  // -1 when the child did not exit normally (e.g. a signal)
    int signal = 0;      // the signal that ended it, when one did
    std::string out;
    std::string err;
};

// `args` excludes the program name; `working_dir` empty keeps the test's.
// The child's stdin is an empty pipe (at end of file).
CliResult run_luaos(const std::vector<std::string>& args, const std::string& working_dir = {});

// Where the child's stdout and stderr go.
enum class Terminal {
    None,        // two pipes: out and err apart
    StderrOnly,  // stderr on a pseudo-terminal (read as `err`), stdout a pipe
    Both,        // stdout and stderr on one pseudo-terminal, all read as `out`
};

struct SessionOptions {
    Terminal terminal = Terminal::None;
    // NAME=VALUE added to (or replacing in) the test's environment; a NAME
    // alone removes it.
    std::vector<std::string> environment;
    std::string working_dir;  // empty: the test's
    // Run as user and group 65534 (nobody) when the test runs as root, for
    // whom file permissions mean nothing.
    bool unprivileged = false;
};

class CliSession {
public:
    explicit CliSession(const std::vector<std::string>& args, const SessionOptions& options = {});
    ~CliSession();  // kills the child if it is still running
    CliSession(const CliSession&) = delete;
    CliSession& operator=(const CliSession&) = delete;

    // Writes to the child's stdin (a pipe); close_stdin() ends it.
    void write_stdin(std::string_view text);
    void close_stdin();
    // Reads the child's output until `text` appears in `out` (or `err` when
    // `in_err`) after `from` bytes; false if it exits or `timeout` passes first.
    bool wait_for(std::string_view text, bool in_err = false, std::size_t from = 0,
                  std::chrono::milliseconds timeout = std::chrono::seconds(60));
    void signal(int number);
    // Reads to the end and waits for the child; its stdin is closed first
    // unless `keep_stdin_open`.
    CliResult finish(bool keep_stdin_open = false);
    // What has been read so far.
    const std::string& out() const { return result_.out; }
    const std::string& err() const { return result_.err; }

private:
    // Reads what is there within `timeout_ms`; false when both streams ended.
    bool read_some(int timeout_ms);

    pid_t child_ = -1;
    int stdin_fd_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    bool finished_ = false;
    CliResult result_;
};

// The absolute path of a script under tests/cli/scripts.
std::string script(const std::string& name);
std::string scripts_dir();

}  // namespace luaos::cli_test
