#include "cli/ordered_output.hpp"

#include <algorithm>
#include <ostream>

#include "cli/exit_status.hpp"
#include "luaos/os.hpp"
#include "luaos/vm.hpp"

namespace luaos::cli {
namespace {

std::uint64_t vm_serial_of(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    return vm == nullptr ? 0 : vm->serial();
}

}  // namespace

OrderedOutput::OrderedOutput(std::ostream& out, std::ostream& err, bool name_vms)
    : out_(out), err_(err), name_vms_(name_vms) {}

void OrderedOutput::on_output(const Process& process, std::string_view text) {
    append(process, Stream::Out, text);
}

void OrderedOutput::on_exit(const Process& process) {
    if (!ended_badly(process.status())) return;
    std::string line = diagnostic(process);
    std::lock_guard lock(mutex_);
    any_ended_badly_ = true;
    pending_.push_back({vm_serial_of(process), process.pid(), Stream::Err, std::move(line)});
}

void OrderedOutput::append(const Process& process, Stream stream, std::string_view text) {
    std::uint64_t vm_serial = vm_serial_of(process);
    std::lock_guard lock(mutex_);
    // Consecutive prints of one process share a chunk: one allocation per
    // burst rather than per line.
    if (!pending_.empty()) {
        Chunk& last = pending_.back();
        if (last.vm_serial == vm_serial && last.pid == process.pid() && last.stream == stream) {
            last.text.append(text);
            return;
        }
    }
    pending_.push_back({vm_serial, process.pid(), stream, std::string(text)});
}

std::string OrderedOutput::diagnostic(const Process& process) const {
    std::string line = "luaos: ";
    if (name_vms_) line += "vm " + std::to_string(vm_serial_of(process)) + ", ";
    line += "process " + std::to_string(process.pid()) + " (" + process.name() + ") " +
            status_name(process.status()) + ": " + process.error() + "\n";
    if (!process.traceback().empty()) line += process.traceback() + "\n";
    return line;
}

bool OrderedOutput::flush() {
    std::lock_guard lock(mutex_);
    if (pending_.empty()) return false;
    bool wrote_to_err = false;
    // Stable: chunks of one process keep their order of arrival.
    std::stable_sort(pending_.begin(), pending_.end(), [](const Chunk& a, const Chunk& b) {
        return a.vm_serial != b.vm_serial ? a.vm_serial < b.vm_serial : a.pid < b.pid;
    });
    for (const Chunk& chunk : pending_) {
        if (chunk.stream == Stream::Out) {
            out_.write(chunk.text.data(), static_cast<std::streamsize>(chunk.text.size()));
        } else {
            // stdout first, so that on a terminal the line lands after the
            // output that preceded the failure.
            out_.flush();
            err_ << chunk.text << std::flush;
            wrote_to_err = true;
        }
    }
    // Each tick is visible as it ends, which is what a paced run is watched for.
    out_.flush();
    pending_.clear();
    return wrote_to_err;
}

bool OrderedOutput::any_ended_badly() const {
    std::lock_guard lock(mutex_);
    return any_ended_badly_;
}

}  // namespace luaos::cli
