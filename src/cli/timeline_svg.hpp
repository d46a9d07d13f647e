#pragma once
// `--timeline FILE.svg`: who ran when, as a picture any browser opens.
//
// Ticks run across, processes down: one row per (VM, pid), labelled
// "vm N · pid P name". A rect covers each run of consecutive ticks in which
// the process ran a slice, coloured by how the process ended (finished,
// failed, killed, or still running), darker where it used more CPU per tick;
// a mark shows where it ended. A strip above the rows shows the CPU time
// every tick took, an axis numbers the ticks, and the title gives the totals.
//
// Bounded whatever the run: the ticks are drawn in at most `max_columns`
// columns (past that, each column is a bucket of 2, 4, 8, ... ticks; the
// buckets grow while the run goes, so memory stays bounded too), and at most
// `max_rows` rows (the busiest processes by CPU time; the picture says how
// many it leaves out). Memory is about a hundred bytes per process plus one
// entry per run of ticks, which for processes that run every tick is one.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "luaos/observer.hpp"

namespace luaos::cli {

class TimelineSvg final : public ProcessObserver {
public:
    static constexpr std::size_t kDefaultMaxColumns = 2000;
    static constexpr std::size_t kDefaultMaxRows = 200;

    // The picture is written on `out` (which must outlive this) by finish().
    explicit TimelineSvg(std::ostream& out, std::size_t max_columns = kDefaultMaxColumns,
                         std::size_t max_rows = kDefaultMaxRows);

    void on_spawn(const Process& process) override;
    void on_slice(const Process& process, const SliceRecord& slice) override;
    void on_exit(const Process& process) override;

    // On the game loop's thread after tick `tick` (from 1), workers idle.
    void after_tick(std::uint64_t tick);
    // Draws the picture and flushes; false when the stream failed.
    bool finish();

    // Ticks per column, so far (a power of two).
    std::uint64_t ticks_per_column() const;

private:
    struct Run {  // consecutive columns in which the process ran
        std::uint32_t first;
        std::uint32_t last;  // inclusive
        std::uint64_t cpu_ns;
    };
    struct Row {
        std::uint64_t vm_serial = 0;
        Pid pid = 0;
        std::uint32_t name = 0;  // index into names_
        ProcessStatus status = ProcessStatus::Ready;
        std::uint64_t spawn_tick = 0;  // the first tick it could run in
        std::uint64_t exit_tick = 0;   // 0 while it runs
        std::uint64_t cpu_ns = 0;
        std::uint64_t slices = 0;
        std::uint64_t instructions = 0;
        std::string error;  // failed and killed: the start of the error
        std::vector<Run> runs;
    };
    struct Key {
        std::uint64_t vm_serial;
        Pid pid;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept {
            return std::hash<std::uint64_t>{}(key.vm_serial * 0x9e3779b97f4a7c15ULL ^ key.pid);
        }
    };

    // With mutex_ held.
    Row& row_for(const Process& process);
    std::uint32_t column_of(std::uint64_t tick);  // widens the buckets when needed
    void widen_buckets();
    void render(std::ostream& out) const;

    std::ostream& out_;
    const std::size_t max_columns_;
    const std::size_t max_rows_;
    mutable std::mutex mutex_;  // callbacks come from every worker thread
    std::uint64_t ticks_done_ = 0;
    std::uint64_t bucket_ticks_ = 1;
    std::vector<Row> rows_;                         // in spawn order
    std::unordered_map<Key, std::size_t, KeyHash> live_;  // running processes' rows
    std::vector<std::string> names_;                // script names, each once
    std::unordered_map<std::string, std::uint32_t> name_index_;
    std::vector<std::uint64_t> column_cpu_ns_;  // CPU time of every slice, per column
};

}  // namespace luaos::cli
