#include "cli/top_view.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <iostream>
#include <unistd.h>
#include <vector>

#include "luaos/os.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm.hpp"

namespace luaos::cli {
namespace {

constexpr std::size_t kNameWidth = 24;

// Long names (script paths) keep their end, which tells them apart, from a
// path separator on when there is one: ".../scripts/count_a.lua".
std::string fit_name(const std::string& name) {
    if (name.size() <= kNameWidth) return name;
    std::string tail = name.substr(name.size() - (kNameWidth - 3));
    std::size_t slash = tail.find('/');
    if (slash != std::string::npos && slash + 1 < tail.size()) tail.erase(0, slash);
    return "..." + tail;
}

// 512B, 12.3K, 4.0M, 1.2G (powers of 1024, as --memory-limit reads them).
std::string format_bytes(std::size_t bytes) {
    char text[32];
    if (bytes < 1024) {
        std::snprintf(text, sizeof text, "%zuB", bytes);
        return text;
    }
    const char* units = "KMGT";
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    while (value >= 1024.0 && unit + 1 < 4) {
        value /= 1024.0;
        ++unit;
    }
    std::snprintf(text, sizeof text, "%.1f%c", value, units[unit]);
    return text;
}

double ms_of(std::uint64_t ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace

TopDisplay top_display_for(int fd, bool shared) {
    const char* term = std::getenv("TERM");
    const bool moves_cursor = term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0;
    const bool no_color = std::getenv("NO_COLOR") != nullptr;
    if (shared || no_color || !moves_cursor || ::isatty(fd) != 1) return TopDisplay::Append;
    return TopDisplay::Redraw;
}

bool same_terminal(int a, int b) {
    struct stat first {};
    struct stat second {};
    if (::isatty(a) != 1 || ::isatty(b) != 1) return false;
    if (::fstat(a, &first) != 0 || ::fstat(b, &second) != 0) return false;
    return first.st_rdev == second.st_rdev;
}

std::size_t TopView::KeyHash::operator()(const Key& key) const noexcept {
    // Serials and pids are small and dense: mix them into one word.
    std::uint64_t word = (key.vm * 0x9E3779B97F4A7C15ull) ^ key.pid;
    return std::hash<std::uint64_t>{}(word ^ (word >> 29));
}

TopView::TopView(std::ostream& out, std::size_t rows, std::chrono::milliseconds every, TopDisplay display)
    : out_(out), rows_(rows), every_(every), display_(display), interval_start_(Clock::now()) {}

TopView::Key TopView::key_of(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    return {vm != nullptr ? vm->serial() : 0, process.pid()};
}

TopView::Entry& TopView::entry_for(const Key& key, const Process& process, bool& added) {
    auto [it, inserted] = entries_.try_emplace(key);
    added = inserted;
    if (inserted) it->second.name = &*names_.insert(process.name()).first;
    return it->second;
}

void TopView::on_spawn(const Process& process) {
    const Key key = key_of(process);
    std::lock_guard lock(mutex_);
    bool added = false;
    entry_for(key, process, added);
    if (added) ++live_;
}

void TopView::on_slice(const Process& process, const SliceRecord& slice) {
    const Key key = key_of(process);
    const std::size_t memory = process.stats().memory;
    std::lock_guard lock(mutex_);
    bool added = false;
    Entry& entry = entry_for(key, process, added);
    if (added) ++live_;
    entry.cpu_ns += slice.duration_ns;
    entry.instructions += slice.instructions;
    ++entry.slices;
    entry.memory = memory;
    interval_cpu_ns_ += slice.duration_ns;
}

void TopView::on_exit(const Process& process) {
    const Key key = key_of(process);
    const std::size_t memory = process.stats().memory;
    std::lock_guard lock(mutex_);
    bool added = false;
    Entry& entry = entry_for(key, process, added);
    if (!added && entry.status == ProcessStatus::Ready) --live_;
    entry.status = process.status();
    entry.memory = memory;
}

void TopView::after_tick(std::uint64_t tick) {
    last_tick_ = tick;
    shown_last_tick_ = false;
    const Clock::time_point now = Clock::now();
    if (now - interval_start_ >= every_) print_table(tick, now);
}

void TopView::finish() {
    if (!shown_last_tick_) print_table(last_tick_, Clock::now());
}

void TopView::print_table(std::uint64_t tick, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    // What ran in the interval, and what ended in it (shown once, even idle).
    using Row = std::pair<const Key*, const Entry*>;
    std::vector<Row> rows;
    for (const auto& [key, entry] : entries_) {
        if (entry.slices > 0 || entry.status != ProcessStatus::Ready) rows.emplace_back(&key, &entry);
    }
    // Busiest first; ties (e.g. untimed slices) by instructions, then by VM and pid.
    auto busier = [](const Row& a, const Row& b) {
        if (a.second->cpu_ns != b.second->cpu_ns) return a.second->cpu_ns > b.second->cpu_ns;
        if (a.second->instructions != b.second->instructions) return a.second->instructions > b.second->instructions;
        if (a.first->vm != b.first->vm) return a.first->vm < b.first->vm;
        return a.first->pid < b.first->pid;
    };
    const std::size_t shown = std::min(rows_, rows.size());
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(shown), rows.end(), busier);

    std::string text;
    char line[256];
    // Back up over the last table's lines, to the start of its first, and
    // erase from there down: what was printed above it stays.
    if (display_ == TopDisplay::Redraw && last_table_lines_ > 0) {
        std::snprintf(line, sizeof line, "\x1b[%zuA\r\x1b[J", last_table_lines_);
        text += line;
    }
    const double seconds = std::chrono::duration<double>(now - interval_start_).count();
    const std::uint64_t ticks = tick - interval_start_tick_;
    char rate[32] = "-";
    if (seconds > 0) std::snprintf(rate, sizeof rate, "%.1f", static_cast<double>(ticks) / seconds);
    std::snprintf(line, sizeof line, "luaos top | tick %llu | %s ticks/s | %zu live processes | cpu %.3f ms in %.2f s\n",
                  static_cast<unsigned long long>(tick), rate, live_, ms_of(interval_cpu_ns_), seconds);
    text += line;
    std::snprintf(line, sizeof line, "%6s %6s %-*s %-8s %10s %6s %8s %12s %8s\n", "VM", "PID",
                  static_cast<int>(kNameWidth), "NAME", "STATUS", "CPU_MS", "CPU%", "SLICES", "INSTRUCTIONS", "MEMORY");
    text += line;
    for (std::size_t i = 0; i < shown; ++i) {
        const Key& key = *rows[i].first;
        const Entry& entry = *rows[i].second;
        const double share =
            interval_cpu_ns_ == 0 ? 0.0 : 100.0 * static_cast<double>(entry.cpu_ns) / static_cast<double>(interval_cpu_ns_);
        std::snprintf(line, sizeof line, "%6llu %6u %-*s %-8s %10.3f %6.1f %8llu %12llu %8s\n",
                      static_cast<unsigned long long>(key.vm), static_cast<unsigned>(key.pid),
                      static_cast<int>(kNameWidth), fit_name(*entry.name).c_str(), status_name(entry.status),
                      ms_of(entry.cpu_ns), share, static_cast<unsigned long long>(entry.slices),
                      static_cast<unsigned long long>(entry.instructions), format_bytes(entry.memory).c_str());
        text += line;
    }
    last_table_lines_ = 2 + shown;
    if (display_ == TopDisplay::Append) text += '\n';
    out_ << text << std::flush;

    // A new interval: ended processes have had their showing.
    std::erase_if(entries_, [](const auto& item) { return item.second.status != ProcessStatus::Ready; });
    for (auto& [key, entry] : entries_) entry.cpu_ns = entry.instructions = entry.slices = 0;
    interval_cpu_ns_ = 0;
    interval_start_ = now;
    interval_start_tick_ = tick;
    shown_last_tick_ = true;
}

}  // namespace luaos::cli
