#pragma once
// Ctrl-C (SIGINT) and SIGTERM during `luaos run`.
//
// The first signal asks the game loop to stop at the end of the tick under
// way (RunOptions::stop): the report, the trace and the timeline are then
// written as for the tick limit, with the processes still `running`, and the
// run exits 128 + the signal's number (130, 143). The handler only sets the
// flag, remembers which signal came, writes one fixed line to stderr and a
// byte to a pipe, all async-signal-safe; the pipe wakes a poll() that waits
// for the terminal (--stdin). A second signal, of either kind, is not
// handled: the handler restores the default action and raises it again, so
// the process ends at once, as it would without luaos's handling. A signal
// that was ignored when luaos started (e.g. SIGINT of a background job) stays
// ignored.

#include <atomic>

namespace luaos::cli {

class InterruptSignals {
public:
    // Installs the handlers; one instance at a time.
    InterruptSignals();
    // Restores the dispositions found.
    ~InterruptSignals();
    InterruptSignals(const InterruptSignals&) = delete;
    InterruptSignals& operator=(const InterruptSignals&) = delete;

    // Becomes true at the first signal: for RunOptions::stop.
    const std::atomic<bool>& stop_flag() const;
    // The first signal received, or 0.
    int received() const;
    // Readable once a signal has come: add it to a poll() that must not outwait one.
    int wake_fd() const;

    // "SIGINT", "SIGTERM".
    static const char* name(int signal);
};

}  // namespace luaos::cli
