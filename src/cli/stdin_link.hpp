#pragma once
// `--stdin`: this program's stdin connected to one process (PID 1 of the
// first VM), line by line.
//
// After every tick, with every worker idle, after_tick() reads what the
// terminal (or pipe) has ready without blocking, and writes each complete
// line into the process's stdin (Os::write_stdin); at end of file it closes
// that stdin, so io.read() returns nil once the lines are read. When nothing
// in the cluster can happen without input (no VM has a process to run and no
// timer is pending), it blocks instead, until a line, the end of the input or
// a signal (the InterruptSignals pipe) comes: the game loop waits for the
// player rather than burning its ticks. Lines the process's stdin has no room
// for stay here, and nothing more is read until they fit. Once the process
// ends (the observer hears it), stdin is no longer read at all.

#include <atomic>
#include <cstdint>
#include <deque>
#include <iosfwd>
#include <string>

#include "luaos/observer.hpp"

namespace luaos {
class Cluster;
class Os;
}  // namespace luaos

namespace luaos::cli {

class StdinLink final : public ProcessObserver {
public:
    // Reads `fd`; `wake_fd` readable ends a wait (InterruptSignals::wake_fd).
    // Diagnostics (a line too long for the process's stdin) go to `err`.
    StdinLink(int fd, int wake_fd, std::ostream& err);

    // The process to feed: call before the run, once it is spawned.
    void connect(Os& os, Pid pid, std::uint64_t vm_serial);

    void on_exit(const Process& process) override;

    // Call after every tick (RunOptions::after_tick).
    void after_tick(Cluster& cluster);

private:
    // Whether nothing can happen in `cluster` until input comes.
    static bool waits_for_input(Cluster& cluster);
    // Reads what is ready, or waits up to `timeout_ms` (-1: for ever) for it;
    // false at end of file.
    void read_input(int timeout_ms);
    void split_lines();
    void deliver();

    // A partial line this long is handed on as it is (the process's stdin
    // refuses it as too long): the buffer stays bounded.
    static constexpr std::size_t kMaxLine = 1 << 20;

    int fd_;
    int wake_fd_;
    std::ostream& err_;
    Os* os_ = nullptr;
    Pid pid_ = 0;
    std::uint64_t vm_serial_ = 0;
    std::atomic<bool> target_ended_{false};  // set on a worker thread
    bool at_eof_ = false;
    bool closed_ = false;  // the process's stdin is closed: the link's work is done
    std::string partial_;
    std::deque<std::string> lines_;
};

}  // namespace luaos::cli
