#pragma once
// `--top`: a table of the busiest processes, refreshed while the cluster runs.
//
// The observer callbacks add up each process's CPU time, slices and
// instructions over the current interval (O(1) per slice: one hash lookup
// under a mutex, as they come from every worker thread). after_tick(), on the
// main thread between ticks, prints the table once `every` has passed since
// the last one and starts a new interval.
//
// The screen is never cleared: whatever the scripts printed stays. Tables
// follow one another, a blank line apart (TopDisplay::Append), unless the
// table has a terminal to itself (top_display_for): then each table erases
// only the lines of the one before, moving the cursor up over them
// (TopDisplay::Redraw), and is drawn in their place.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "luaos/observer.hpp"

namespace luaos::cli {

enum class TopDisplay : std::uint8_t {
    Append,  // tables one after another: no escape sequences at all
    Redraw,  // each table replaces the one before, on a terminal
};

// Redraw when `fd` is a terminal that moves its cursor (TERM set, not
// "dumb"), NO_COLOR is not set, and nothing else prints there during the run
// (`shared` false); Append otherwise.
TopDisplay top_display_for(int fd, bool shared);
// Whether both descriptors are the same terminal.
bool same_terminal(int a, int b);

class TopView final : public ProcessObserver {
public:
    TopView(std::ostream& out, std::size_t rows = 10, std::chrono::milliseconds every = std::chrono::milliseconds(1000),
            TopDisplay display = TopDisplay::Append);

    void on_spawn(const Process& process) override;
    void on_slice(const Process& process, const SliceRecord& slice) override;
    void on_exit(const Process& process) override;

    // Call after every tick with the cluster's tick number: prints a table
    // when the interval is over.
    void after_tick(std::uint64_t tick);
    // Prints the table of the interval still open (the run's last).
    void finish();
    // Something else was written below the last table (a diagnostic): the
    // next table goes below it instead of over the last one.
    void note_other_output() { last_table_lines_ = 0; }

private:
    struct Key {
        std::uint64_t vm;
        Pid pid;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept;
    };
    struct Entry {
        const std::string* name = nullptr;  // interned: many VMs run the same scripts
        std::uint64_t cpu_ns = 0;           // over the current interval
        std::uint64_t instructions = 0;     // over the current interval
        std::uint64_t slices = 0;           // over the current interval
        std::size_t memory = 0;             // as of its last slice (or its end)
        ProcessStatus status = ProcessStatus::Ready;
    };
    using Clock = std::chrono::steady_clock;

    static Key key_of(const Process& process);
    // Finds or adds the process's entry; the caller holds mutex_.
    Entry& entry_for(const Key& key, const Process& process, bool& added);
    void print_table(std::uint64_t tick, Clock::time_point now);

    std::ostream& out_;
    std::size_t rows_;
    Clock::duration every_;
    TopDisplay display_;
    std::size_t last_table_lines_ = 0;  // for Redraw: the lines to go back over

    std::mutex mutex_;  // the callbacks come from every worker thread
    std::unordered_map<Key, Entry, KeyHash> entries_;  // live processes, and ended ones until shown
    std::unordered_set<std::string> names_;
    std::size_t live_ = 0;                 // entries of processes still running
    std::uint64_t interval_cpu_ns_ = 0;    // every process's CPU time in the interval

    // Main thread only.
    Clock::time_point interval_start_;
    std::uint64_t interval_start_tick_ = 0;
    std::uint64_t last_tick_ = 0;
    bool shown_last_tick_ = false;  // a table already covers the ticks up to last_tick_
};

}  // namespace luaos::cli
