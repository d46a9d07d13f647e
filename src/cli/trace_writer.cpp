#include "cli/trace_writer.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/exit_status.hpp"
#include "luaos/os.hpp"
#include "luaos/stats.hpp"
#include "luaos/vm.hpp"
#include "runtime/steady_clock.hpp"

namespace luaos::cli {
namespace {

// An error can be as long as a script makes it; the trace keeps its start.
constexpr std::size_t kMaxErrorBytes = 1024;

// A JSON string literal; invalid UTF-8 (script names and errors are whatever
// bytes they are) becomes U+FFFD rather than an exception.
std::string json_string(const std::string& text) {
    return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Nanoseconds as microseconds with three decimals, without going through a
// double: "1234.567".
std::string microseconds(std::uint64_t ns) {
    std::string fraction = std::to_string(ns % 1000);
    return std::to_string(ns / 1000) + '.' + std::string(3 - fraction.size(), '0') + fraction;
}

std::uint64_t vm_serial_of(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    return vm == nullptr ? 0 : vm->serial();
}

// "pid" and "tid" of a process's trace thread.
std::string thread_ids(const Process& process) {
    return "\"pid\":" + std::to_string(vm_serial_of(process) + 1) + ",\"tid\":" + std::to_string(process.pid());
}

}  // namespace

TraceWriter::TraceWriter(std::ostream& out, std::size_t max_events)
    : out_(out), max_events_(max_events), start_ns_(steady_clock_ns()) {
    out_ << "{\"traceEvents\":[";
}

std::uint64_t TraceWriter::now_ns() const { return steady_clock_ns(); }

std::uint64_t TraceWriter::ns_since_start(std::uint64_t steady_ns) const {
    return steady_ns > start_ns_ ? steady_ns - start_ns_ : 0;
}

void TraceWriter::write(const std::string& event) {
    out_ << (written_ == 0 ? "\n" : ",\n") << event;
    ++written_;
}

void TraceWriter::name_vm(std::uint64_t vm_serial, const Process& process) {
    if (vm_serial >= vm_named_.size()) vm_named_.resize(vm_serial + 1, false);
    if (vm_named_[vm_serial]) return;
    vm_named_[vm_serial] = true;
    const VirtualMachine* vm = process.os().vm();
    std::string name = "vm " + std::to_string(vm_serial) + (vm == nullptr ? "" : " " + vm->id().to_string());
    std::string pid = std::to_string(vm_serial + 1);
    write("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":0,\"args\":{\"name\":" + json_string(name) +
          "}}");
    write("{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":" + pid + ",\"tid\":0,\"args\":{\"sort_index\":" +
          pid + "}}");
}

void TraceWriter::on_spawn(const Process& process) {
    const std::uint64_t at = ns_since_start(now_ns());
    const std::string ids = thread_ids(process);
    const std::string name = json_string(process.name());
    std::string thread_name = "{\"name\":\"thread_name\",\"ph\":\"M\"," + ids + ",\"args\":{\"name\":" + name + "}}";
    std::string sort_index = "{\"name\":\"thread_sort_index\",\"ph\":\"M\"," + ids +
                             ",\"args\":{\"sort_index\":" + std::to_string(process.pid()) + "}}";
    std::string spawn = "{\"name\":\"spawn\",\"cat\":\"process\",\"ph\":\"i\",\"s\":\"t\"," + ids +
                        ",\"ts\":" + microseconds(at) + ",\"args\":{\"name\":" + name + "}}";
    std::lock_guard lock(mutex_);
    // Names are kept past the cap: the exit, always written, needs its track.
    name_vm(vm_serial_of(process), process);
    write(thread_name);
    write(sort_index);
    if (written_ >= max_events_) {
        ++dropped_;
        return;
    }
    write(spawn);
}

void TraceWriter::on_slice(const Process& process, const SliceRecord& slice) {
    std::unique_lock lock(mutex_);
    if (written_ >= max_events_) {
        ++dropped_;
        return;
    }
    const std::uint64_t tick = ticks_done_ + 1;
    lock.unlock();
    // Built outside the lock: other shards' slices need not wait for it.
    std::string event = "{\"name\":" + json_string(process.name()) + ",\"cat\":\"slice\",\"ph\":\"X\"," +
                        thread_ids(process) + ",\"ts\":" + microseconds(ns_since_start(slice.start_ns)) +
                        ",\"dur\":" + microseconds(slice.duration_ns) +
                        ",\"args\":{\"instructions\":" + std::to_string(slice.instructions) +
                        ",\"preempted\":" + (slice.preempted ? "true" : "false") + ",\"tick\":" +
                        std::to_string(tick) + "}}";
    lock.lock();
    // Another thread may have reached the cap meanwhile.
    if (written_ >= max_events_) {
        ++dropped_;
        return;
    }
    write(event);
}

void TraceWriter::on_exit(const Process& process) {
    const std::uint64_t at = ns_since_start(now_ns());
    std::string args = "\"status\":" + json_string(status_name(process.status()));
    if (ended_badly(process.status())) {
        const std::string& error = process.error();
        args += ",\"error\":" + json_string(error.size() > kMaxErrorBytes ? error.substr(0, kMaxErrorBytes) + "..." : error);
    }
    std::string event = "{\"name\":\"exit\",\"cat\":\"process\",\"ph\":\"i\",\"s\":\"t\"," + thread_ids(process) +
                        ",\"ts\":" + microseconds(at) + ",\"args\":{" + args;
    std::lock_guard lock(mutex_);
    // Always written, past the cap too: how each process ended is the news.
    write(event + ",\"tick\":" + std::to_string(ticks_done_ + 1) + "}}");
}

void TraceWriter::after_tick(std::uint64_t tick) {
    std::lock_guard lock(mutex_);
    ticks_done_ = tick;
}

bool TraceWriter::finish() {
    std::lock_guard lock(mutex_);
    if (!finished_) {
        finished_ = true;
        out_ << "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"tool\":\"luaos\""
             << ",\"clock\":\"microseconds since the run's start (steady clock)\""
             << ",\"ticks\":" << ticks_done_ << ",\"events\":" << written_ << ",\"max_events\":" << max_events_
             << ",\"dropped_events\":" << dropped_ << "}}\n";
        out_.flush();
    }
    return static_cast<bool>(out_);
}

std::uint64_t TraceWriter::events_written() const {
    std::lock_guard lock(mutex_);
    return written_;
}

std::uint64_t TraceWriter::events_dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

}  // namespace luaos::cli
