#pragma once
// Plain mode's output: what processes print goes to stdout, and one line per
// failed or killed process to stderr.
//
// With several worker threads the callbacks of one tick arrive interleaved in
// whatever order the threads ran. Each tick's output is therefore held back
// and written once the tick is over, ordered by (VM serial, pid, arrival), so
// the same run prints the same bytes whatever the thread count. A single
// thread already calls back in that order; the rule simply holds there too.

#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "luaos/observer.hpp"

namespace luaos::cli {

class OrderedOutput final : public ProcessObserver {
public:
    // `name_vms`: diagnostics say which VM, as needed once there are several.
    OrderedOutput(std::ostream& out, std::ostream& err, bool name_vms);

    void on_output(const Process& process, std::string_view text) override;
    void on_exit(const Process& process) override;

    // Writes the tick's output in order; call after each tick. True when it
    // wrote to `err` (a process failed or was killed).
    bool flush();
    bool any_ended_badly() const;

private:
    enum class Stream : std::uint8_t { Out, Err };
    struct Chunk {
        std::uint64_t vm_serial;
        Pid pid;
        Stream stream;
        std::string text;
    };

    void append(const Process& process, Stream stream, std::string_view text);
    std::string diagnostic(const Process& process) const;

    std::ostream& out_;
    std::ostream& err_;
    bool name_vms_;
    mutable std::mutex mutex_;  // callbacks come from every worker thread
    std::vector<Chunk> pending_;
    bool any_ended_badly_ = false;
};

}  // namespace luaos::cli
