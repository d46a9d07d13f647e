#pragma once
// `--trace FILE`: the schedule as Chrome trace-event JSON, which Perfetto
// (ui.perfetto.dev) and chrome://tracing open as they are.
//
// One trace process per VM ("pid" = VM serial + 1, named "vm <serial> <uuid>"),
// one trace thread per luaos process ("tid" = its pid, named after its
// script), one complete event ("ph": "X") per slice and instant events for
// spawns and exits (an exit carries the status and, for failed and killed
// processes, the error). Times are microseconds since the writer was created,
// which is just before the run's VMs are.
//
// The document is streamed: events are written as they happen and nothing is
// held in memory but a few counters and one flag per VM. It is bounded: once
// `max_events` events are written, slices and spawns are dropped (and
// counted in otherData.dropped_events), while every process's name and exit
// are still written, so that each end stays visible. The file therefore holds
// at most `max_events` events plus about two per process spawned past the cap.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <vector>

#include "luaos/observer.hpp"

namespace luaos::cli {

class TraceWriter final : public ProcessObserver {
public:
    static constexpr std::size_t kDefaultMaxEvents = 1'000'000;

    // Starts the document on `out`, which must outlive the writer; the run's
    // clock starts now.
    explicit TraceWriter(std::ostream& out, std::size_t max_events = kDefaultMaxEvents);

    void on_spawn(const Process& process) override;
    void on_slice(const Process& process, const SliceRecord& slice) override;
    void on_exit(const Process& process) override;

    // On the game loop's thread after tick `tick` (from 1), workers idle.
    void after_tick(std::uint64_t tick);
    // Ends the document (otherData: ticks, event counts, the cap) and flushes.
    // False when the stream failed at any point, e.g. a full disk.
    bool finish();

    std::uint64_t events_written() const;
    std::uint64_t events_dropped() const;

private:
    void name_vm(std::uint64_t vm_serial, const Process& process);  // with mutex_ held
    void write(const std::string& event);                          // with mutex_ held
    std::uint64_t ns_since_start(std::uint64_t steady_ns) const;
    std::uint64_t now_ns() const;

    std::ostream& out_;
    const std::size_t max_events_;
    const std::uint64_t start_ns_;  // steady_clock, as SliceRecord::start_ns
    mutable std::mutex mutex_;      // callbacks come from every worker thread
    std::uint64_t ticks_done_ = 0;  // written by after_tick only, between ticks
    std::uint64_t written_ = 0;
    std::uint64_t dropped_ = 0;
    std::vector<bool> vm_named_;  // by VM serial
    bool finished_ = false;
};

}  // namespace luaos::cli
