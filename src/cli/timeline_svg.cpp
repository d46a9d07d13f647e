#include "cli/timeline_svg.hpp"

#include <algorithm>
#include <cstdio>
#include <ostream>
#include <string_view>

#include "cli/exit_status.hpp"
#include "luaos/os.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm.hpp"

namespace luaos::cli {
namespace {

constexpr std::size_t kMaxErrorBytes = 200;  // of the error kept for a tooltip
constexpr std::size_t kMaxNameBytes = 30;    // of a script name in a row label

// Layout, in pixels.
constexpr double kMargin = 10;
constexpr double kLabelWidth = 330;  // 10px monospace: about 55 characters
constexpr double kCpuWidth = 90;  // the CPU total right of each row
constexpr double kTargetPlotWidth = 1200;
constexpr double kMaxColumnWidth = 48;
constexpr double kMinWidth = 1000;  // room for the title and the legend
constexpr double kStripTop = 96;
constexpr double kStripHeight = 40;
constexpr double kAxisY = 152;
constexpr double kRowsTop = 162;
constexpr double kRowHeight = 16;
constexpr double kBarHeight = 12;
constexpr double kMinLabelSpacing = 70;

constexpr const char* kReplacement = "\xef\xbf\xbd";  // U+FFFD
constexpr const char* kMiddleDot = "\xc2\xb7";        // U+00B7

std::uint64_t vm_serial_of(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    return vm == nullptr ? 0 : vm->serial();
}

// Length of the valid UTF-8 sequence XML 1.0 accepts at text[i], or 0.
std::size_t valid_sequence(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        code = lead & 0x1fu;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        code = lead & 0x0fu;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        code = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xc0u) != 0x80u) return 0;
        code = (code << 6) | (next & 0x3fu);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    const bool surrogate = code >= 0xd800 && code <= 0xdfff;
    const bool forbidden = code == 0xfffe || code == 0xffff || code > 0x10ffff;
    return overlong || surrogate || forbidden ? 0 : length;
}

// `text` as XML character data (fit for attributes too): markup escaped,
// invalid UTF-8 and the control characters XML forbids replaced by U+FFFD.
std::string xml(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            std::size_t length = valid_sequence(text, i);
            if (length == 0) {
                escaped += kReplacement;
                ++i;
            } else {
                escaped.append(text.substr(i, length));
                i += length;
            }
            continue;
        }
        switch (c) {
            case '&': escaped += "&amp;"; break;
            case '<': escaped += "&lt;"; break;
            case '>': escaped += "&gt;"; break;
            case '"': escaped += "&quot;"; break;
            case '\'': escaped += "&#39;"; break;
            case '\t': case '\n': case '\r': escaped += ' '; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    escaped += kReplacement;
                } else {
                    escaped += static_cast<char>(c);
                }
        }
        ++i;
    }
    return escaped;
}

// The last `max_bytes` or so of `name`, starting on a character boundary.
std::string shortened(const std::string& name, std::size_t max_bytes) {
    if (name.size() <= max_bytes) return name;
    std::size_t cut = name.size() - (max_bytes - 3);
    while (cut < name.size() && (static_cast<unsigned char>(name[cut]) & 0xc0u) == 0x80u) ++cut;
    return "..." + name.substr(cut);
}

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
}

// "12.3 µs", "4.56 ms", "789 ms".
std::string milliseconds(std::uint64_t ns) {
    char text[32];
    if (ns < 1'000'000) {
        std::snprintf(text, sizeof text, "%.1f \xc2\xb5s", static_cast<double>(ns) / 1e3);
    } else {
        std::snprintf(text, sizeof text, ns >= 100'000'000 ? "%.0f ms" : "%.2f ms", static_cast<double>(ns) / 1e6);
    }
    return text;
}

const char* fill_of(ProcessStatus status) {
    switch (status) {
        case ProcessStatus::Finished: return "#2ca02c";
        case ProcessStatus::Failed: return "#d62728";
        case ProcessStatus::Killed: return "#ff7f0e";
        case ProcessStatus::Ready: break;
    }
    return "#1f77b4";
}

const char* mark_of(ProcessStatus status) {
    switch (status) {
        case ProcessStatus::Finished: return "#145214";
        case ProcessStatus::Failed: return "#7f1010";
        case ProcessStatus::Killed: return "#8a4200";
        case ProcessStatus::Ready: break;
    }
    return "#0d3c61";
}

std::string row_label(std::uint64_t vm_serial, Pid pid, const std::string& name) {
    return "vm " + std::to_string(vm_serial) + " " + kMiddleDot + " pid " + std::to_string(pid) + " " + name;
}

// The smallest 1, 2, 5, 10, 20, 50, ... tick step whose labels are spaced
// at least kMinLabelSpacing apart.
std::uint64_t axis_step(double pixels_per_tick) {
    std::uint64_t scale = 1;
    for (int decade = 0; decade < 18; ++decade, scale *= 10) {
        for (std::uint64_t base : {1, 2, 5}) {
            if (static_cast<double>(base * scale) * pixels_per_tick >= kMinLabelSpacing) return base * scale;
        }
    }
    return scale;
}

}  // namespace

TimelineSvg::TimelineSvg(std::ostream& out, std::size_t max_columns, std::size_t max_rows)
    : out_(out), max_columns_(std::max<std::size_t>(max_columns, 1)), max_rows_(std::max<std::size_t>(max_rows, 1)) {}

TimelineSvg::Row& TimelineSvg::row_for(const Process& process) {
    const Key key{vm_serial_of(process), process.pid()};
    auto [found, inserted] = live_.try_emplace(key, rows_.size());
    if (!inserted) return rows_[found->second];
    auto [name, new_name] = name_index_.try_emplace(process.name(), static_cast<std::uint32_t>(names_.size()));
    if (new_name) names_.push_back(process.name());
    Row row;
    row.vm_serial = key.vm_serial;
    row.pid = key.pid;
    row.name = name->second;
    row.spawn_tick = ticks_done_ + 1;
    rows_.push_back(std::move(row));
    return rows_.back();
}

void TimelineSvg::widen_buckets() {
    bucket_ticks_ *= 2;
    for (Row& row : rows_) {
        std::vector<Run> merged;
        merged.reserve(row.runs.size());
        for (Run run : row.runs) {
            run.first /= 2;
            run.last /= 2;
            if (!merged.empty() && merged.back().last + 1 >= run.first) {
                merged.back().last = std::max(merged.back().last, run.last);
                merged.back().cpu_ns += run.cpu_ns;
            } else {
                merged.push_back(run);
            }
        }
        row.runs = std::move(merged);
    }
    std::vector<std::uint64_t> halved((column_cpu_ns_.size() + 1) / 2, 0);
    for (std::size_t column = 0; column < column_cpu_ns_.size(); ++column) halved[column / 2] += column_cpu_ns_[column];
    column_cpu_ns_ = std::move(halved);
}

std::uint32_t TimelineSvg::column_of(std::uint64_t tick) {
    while ((tick - 1) / bucket_ticks_ >= max_columns_) widen_buckets();
    return static_cast<std::uint32_t>((tick - 1) / bucket_ticks_);
}

void TimelineSvg::on_spawn(const Process& process) {
    std::lock_guard lock(mutex_);
    row_for(process);
}

void TimelineSvg::on_slice(const Process& process, const SliceRecord& slice) {
    std::lock_guard lock(mutex_);
    const std::uint32_t column = column_of(ticks_done_ + 1);
    Row& row = row_for(process);
    row.cpu_ns += slice.duration_ns;
    ++row.slices;
    row.instructions += slice.instructions;
    if (!row.runs.empty() && row.runs.back().last + 1 >= column) {
        row.runs.back().last = column;
        row.runs.back().cpu_ns += slice.duration_ns;
    } else {
        row.runs.push_back({column, column, slice.duration_ns});
    }
    if (column >= column_cpu_ns_.size()) column_cpu_ns_.resize(column + 1, 0);
    column_cpu_ns_[column] += slice.duration_ns;
}

void TimelineSvg::on_exit(const Process& process) {
    std::lock_guard lock(mutex_);
    Row& row = row_for(process);
    row.status = process.status();
    row.exit_tick = ticks_done_ + 1;
    if (ended_badly(process.status())) {
        const std::string& error = process.error();
        row.error = error.size() > kMaxErrorBytes ? error.substr(0, kMaxErrorBytes) + "..." : error;
    }
    live_.erase(Key{row.vm_serial, row.pid});
}

void TimelineSvg::after_tick(std::uint64_t tick) {
    std::lock_guard lock(mutex_);
    ticks_done_ = tick;
}

std::uint64_t TimelineSvg::ticks_per_column() const {
    std::lock_guard lock(mutex_);
    return bucket_ticks_;
}

bool TimelineSvg::finish() {
    std::lock_guard lock(mutex_);
    render(out_);
    out_.flush();
    return static_cast<bool>(out_);
}

void TimelineSvg::render(std::ostream& out) const {
    const std::uint64_t ticks = std::max<std::uint64_t>(ticks_done_, 1);
    const std::uint64_t columns = std::max<std::uint64_t>((ticks + bucket_ticks_ - 1) / bucket_ticks_, 1);
    const double column_width = std::clamp(kTargetPlotWidth / static_cast<double>(columns), 1.0, kMaxColumnWidth);
    const double plot_x = kMargin + kLabelWidth;
    const double plot_width = column_width * static_cast<double>(columns);
    const double width = std::max(plot_x + plot_width + kCpuWidth + kMargin, kMinWidth);
    const auto x_of_column = [&](std::uint64_t column) { return plot_x + column_width * static_cast<double>(column); };
    const auto column_of_tick = [&](std::uint64_t tick) { return (std::max<std::uint64_t>(tick, 1) - 1) / bucket_ticks_; };

    // Totals over every process, shown or not.
    std::uint64_t cpu_ns = 0, slices = 0, counts[4] = {0, 0, 0, 0};
    std::vector<std::uint64_t> vms;
    for (const Row& row : rows_) {
        cpu_ns += row.cpu_ns;
        slices += row.slices;
        ++counts[static_cast<std::size_t>(row.status)];
        vms.push_back(row.vm_serial);
    }
    std::sort(vms.begin(), vms.end());
    const auto vm_count = static_cast<std::size_t>(std::unique(vms.begin(), vms.end()) - vms.begin());

    // The busiest rows, shown in (VM, pid) order.
    std::vector<const Row*> shown;
    shown.reserve(rows_.size());
    for (const Row& row : rows_) shown.push_back(&row);
    const auto by_id = [](const Row* a, const Row* b) {
        return a->vm_serial != b->vm_serial ? a->vm_serial < b->vm_serial : a->pid < b->pid;
    };
    if (shown.size() > max_rows_) {
        std::partial_sort(shown.begin(), shown.begin() + static_cast<std::ptrdiff_t>(max_rows_), shown.end(),
                          [&](const Row* a, const Row* b) { return a->cpu_ns != b->cpu_ns ? a->cpu_ns > b->cpu_ns : by_id(a, b); });
        shown.resize(max_rows_);
    }
    std::sort(shown.begin(), shown.end(), by_id);

    // A run's shade: its CPU time per tick against the heaviest run's.
    const auto per_tick = [&](const Run& run) {
        return static_cast<double>(run.cpu_ns) / static_cast<double>((run.last - run.first + 1) * bucket_ticks_);
    };
    double heaviest = 0;
    for (const Row* row : shown) {
        for (const Run& run : row->runs) heaviest = std::max(heaviest, per_tick(run));
    }

    const double height = kRowsTop + kRowHeight * static_cast<double>(std::max<std::size_t>(shown.size(), 1)) + 24;
    std::string svg;
    svg.reserve(4096 + shown.size() * 512);
    svg += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width) + "\" height=\"" + number(height) +
           "\" viewBox=\"0 0 " + number(width) + " " + number(height) +
           "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    svg += "<title>luaos timeline</title>\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";

    // Title, totals and what a column is.
    svg += "<text x=\"" + number(kMargin) + "\" y=\"22\" font-size=\"16\" font-weight=\"bold\">luaos timeline</text>\n";
    std::string totals = std::to_string(ticks_done_) + " ticks " + kMiddleDot + " " + std::to_string(vm_count) +
                         " VMs " + kMiddleDot + " " + std::to_string(rows_.size()) + " processes (" +
                         std::to_string(counts[static_cast<std::size_t>(ProcessStatus::Finished)]) + " finished, " +
                         std::to_string(counts[static_cast<std::size_t>(ProcessStatus::Failed)]) + " failed, " +
                         std::to_string(counts[static_cast<std::size_t>(ProcessStatus::Killed)]) + " killed, " +
                         std::to_string(counts[static_cast<std::size_t>(ProcessStatus::Ready)]) + " running) " +
                         kMiddleDot + " CPU " + milliseconds(cpu_ns) + " in " + std::to_string(slices) + " slices";
    svg += "<text x=\"" + number(kMargin) + "\" y=\"42\" font-size=\"12\">" + xml(totals) + "</text>\n";
    std::string scale = bucket_ticks_ == 1 ? std::string("each column is 1 tick")
                                           : "each column is " + std::to_string(bucket_ticks_) + " ticks";
    if (shown.size() < rows_.size()) {
        scale += " " + std::string(kMiddleDot) + " showing the " + std::to_string(shown.size()) + " busiest of " +
                 std::to_string(rows_.size()) + " processes (by CPU time)";
    }
    svg += "<text x=\"" + number(kMargin) + "\" y=\"60\" fill=\"#555555\">" + xml(scale) + "</text>\n";

    // Legend.
    svg += "<g id=\"legend\">\n";
    double legend_x = kMargin;
    for (ProcessStatus status :
         {ProcessStatus::Finished, ProcessStatus::Failed, ProcessStatus::Killed, ProcessStatus::Ready}) {
        svg += "<rect x=\"" + number(legend_x) + "\" y=\"72\" width=\"10\" height=\"10\" fill=\"" +
               fill_of(status) + "\"/>";
        svg += "<text x=\"" + number(legend_x + 14) + "\" y=\"81\">" + status_name(status) + "</text>\n";
        legend_x += 90;
    }
    svg += "<rect x=\"" + number(legend_x) + "\" y=\"70\" width=\"2\" height=\"14\" fill=\"#333333\"/>";
    svg += "<text x=\"" + number(legend_x + 6) + "\" y=\"81\">the process ended " + kMiddleDot +
           " darker: more CPU per tick</text>\n";
    svg += "</g>\n";

    // CPU per column, over every process.
    std::uint64_t busiest_column = 0;
    for (std::uint64_t value : column_cpu_ns_) busiest_column = std::max(busiest_column, value);
    svg += "<g id=\"cpu\"><title>CPU time per " + std::string(bucket_ticks_ == 1 ? "tick" : "column") +
           ", all processes (highest " + milliseconds(busiest_column) + ")</title>\n";
    svg += "<text x=\"" + number(kMargin) + "\" y=\"" + number(kStripTop + kStripHeight / 2 + 4) +
           "\">CPU per tick</text>\n";
    svg += "<rect x=\"" + number(plot_x) + "\" y=\"" + number(kStripTop) + "\" width=\"" + number(plot_width) +
           "\" height=\"" + number(kStripHeight) + "\" fill=\"#f4f4f4\"/>\n";
    for (std::size_t column = 0; column < column_cpu_ns_.size() && busiest_column > 0; ++column) {
        if (column_cpu_ns_[column] == 0) continue;
        const double bar = kStripHeight * static_cast<double>(column_cpu_ns_[column]) / static_cast<double>(busiest_column);
        svg += "<rect x=\"" + number(x_of_column(column)) + "\" y=\"" + number(kStripTop + kStripHeight - bar) +
               "\" width=\"" + number(column_width) + "\" height=\"" + number(bar) + "\" fill=\"#777777\"/>\n";
    }
    svg += "</g>\n";

    // Axis: tick numbers, with a grid line across the rows at each.
    const double rows_bottom = kRowsTop + kRowHeight * static_cast<double>(shown.size());
    const std::uint64_t step = axis_step(column_width / static_cast<double>(bucket_ticks_));
    svg += "<g id=\"axis\" font-size=\"10\" fill=\"#333333\">\n";
    svg += "<text x=\"" + number(plot_x - 12) + "\" y=\"" + number(kAxisY) + "\" text-anchor=\"end\">tick</text>\n";
    for (std::uint64_t tick = 1;;) {
        const double x = x_of_column(column_of_tick(tick)) + column_width / 2;
        svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(kAxisY + 3) + "\" x2=\"" + number(x) + "\" y2=\"" +
               number(rows_bottom) + "\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>";
        svg += "<text x=\"" + number(x) + "\" y=\"" + number(kAxisY) + "\" text-anchor=\"middle\">" +
               std::to_string(tick) + "</text>\n";
        const std::uint64_t next = tick == 1 && step > 1 ? step : tick + step;
        if (next > ticks || next < tick) break;
        tick = next;
    }
    svg += "</g>\n";

    // One row per process.
    svg += "<g id=\"rows\">\n";
    if (shown.empty()) {
        svg += "<text x=\"" + number(plot_x) + "\" y=\"" + number(kRowsTop + 11) + "\">no processes</text>\n";
    }
    double y = kRowsTop;
    for (const Row* row : shown) {
        const std::string& name = names_[row->name];
        std::string summary = row_label(row->vm_serial, row->pid, name) + ": " + status_name(row->status) +
                              ", CPU " + milliseconds(row->cpu_ns) + " in " + std::to_string(row->slices) +
                              " slices, " + std::to_string(row->instructions) + " instructions, ticks " +
                              std::to_string(row->spawn_tick) + "-" +
                              (row->exit_tick == 0 ? std::string("") : std::to_string(row->exit_tick));
        if (!row->error.empty()) summary += ": " + row->error;
        svg += "<g><title>" + xml(summary) + "</title>";
        svg += "<text x=\"" + number(kMargin) + "\" y=\"" + number(y + 11) + "\" font-family=\"monospace\" font-size=\"10\">" +
               xml(row_label(row->vm_serial, row->pid, shortened(name, kMaxNameBytes))) + "</text>";
        for (const Run& run : row->runs) {
            const double opacity = heaviest > 0 ? 0.35 + 0.65 * per_tick(run) / heaviest : 1.0;
            svg += "<rect x=\"" + number(x_of_column(run.first)) + "\" y=\"" + number(y + 2) + "\" width=\"" +
                   number(column_width * static_cast<double>(run.last - run.first + 1)) + "\" height=\"" +
                   number(kBarHeight) + "\" fill=\"" + fill_of(row->status) + "\" fill-opacity=\"" + number(opacity) +
                   "\"/>";
        }
        if (row->exit_tick != 0) {
            const double x = x_of_column(column_of_tick(row->exit_tick) + 1) - 2;
            svg += "<rect x=\"" + number(x) + "\" y=\"" + number(y) + "\" width=\"2\" height=\"" +
                   number(kRowHeight) + "\" fill=\"" + mark_of(row->status) + "\"/>";
        }
        svg += "<text x=\"" + number(plot_x + plot_width + 6) + "\" y=\"" + number(y + 11) + "\" fill=\"#555555\">" +
               milliseconds(row->cpu_ns) + "</text></g>\n";
        y += kRowHeight;
    }
    svg += "</g>\n</svg>\n";
    out.write(svg.data(), static_cast<std::streamsize>(svg.size()));
}

}  // namespace luaos::cli
