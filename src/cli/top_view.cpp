#include "cli/top_view.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <unistd.h>
#include <vector>

#include "luaos/os.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm.hpp"

namespace luaos::cli {
namespace {

constexpr std::size_t kNameWidth = 24;

bool is_terminal(const std::ostream& out) {
    if (&out == &std::cout) return ::isatty(STDOUT_FILENO) == 1;
    if (&out == &std::cerr || &out == &std::clog) return ::isatty(STDERR_FILENO) == 1;
    return false;
}

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

std::size_t TopView::KeyHash::operator()(const Key& key) const noexcept {
    // Serials and pids are small and dense: mix them into one word.
    std::uint64_t word = (key.vm * 0x9E3779B97F4A7C15ull) ^ key.pid;
    return std::hash<std::uint64_t>{}(word ^ (word >> 29));
}

TopView::TopView(std::ostream& out, std::size_t rows, std::chrono::milliseconds every)
    : out_(out), rows_(rows), every_(every), clear_screen_(is_terminal(out)), interval_start_(Clock::now()) {}

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
    // On a terminal a table replaces the one before; the first is printed
    // below whatever is there, so that a short run's output stays in view.
    if (clear_screen_ && tables_printed_ > 0) text += "\x1b[H\x1b[2J";
    char line[256];
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
    if (!clear_screen_) text += '\n';
    out_ << text << std::flush;

    // A new interval: ended processes have had their showing.
    std::erase_if(entries_, [](const auto& item) { return item.second.status != ProcessStatus::Ready; });
    for (auto& [key, entry] : entries_) entry.cpu_ns = entry.instructions = entry.slices = 0;
    interval_cpu_ns_ = 0;
    interval_start_ = now;
    interval_start_tick_ = tick;
    shown_last_tick_ = true;
    ++tables_printed_;
}

}  // namespace luaos::cli
