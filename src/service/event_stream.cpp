#include "service/event_stream.hpp"

#include <utility>

#include "luaos/vm.hpp"
#include "service/vm_table.hpp"

namespace luaos::service {
namespace {

VmId vm_of(const Process& process) {
    const VirtualMachine* vm = process.os().vm();
    return vm != nullptr ? VmTable::id_of(*vm) : 0;
}

// An event of `kind` about one VM (and, where it concerns a process, its pid).
VmEvent event_of(VmEvent::Kind kind, VmId vm, Pid pid = 0) {
    VmEvent event;
    event.kind = kind;
    event.vm = vm;
    event.pid = pid;
    return event;
}

}  // namespace

void EventStream::on_spawn(const Process& process) {
    VmEvent event = event_of(VmEvent::Kind::Spawn, vm_of(process), process.pid());
    event.parent = process.parent();
    event.text = process.name();
    add(std::move(event));
}

void EventStream::on_output(const Process& process, std::string_view text) {
    const VmId vm = vm_of(process);
    std::lock_guard lock(mutex_);
    OutputBudget& budget = budgets_[vm];
    const std::size_t room = output_bytes_per_tick_ - budget.sent;
    if (text.size() > room) {
        budget.dropped += text.size() - room;
        budget.last_dropped_pid = process.pid();
        text = text.substr(0, room);
    }
    if (text.empty()) return;
    budget.sent += text.size();
    // Consecutive output of one process in one tick travels as one event.
    if (!events_.empty()) {
        VmEvent& last = events_.back();
        if (last.kind == VmEvent::Kind::Output && last.vm == vm && last.pid == process.pid()) {
            last.text.append(text);
            return;
        }
    }
    VmEvent event = event_of(VmEvent::Kind::Output, vm, process.pid());
    event.text.assign(text);
    events_.push_back(std::move(event));
}

void EventStream::on_exit(const Process& process) {
    VmEvent event = event_of(VmEvent::Kind::Exit, vm_of(process), process.pid());
    event.text = process.name();
    event.status = process.status();
    event.exit_code = process.exit_code();
    event.error = process.error();
    add(std::move(event));
}

void EventStream::vm_removed(VmId vm, std::string reason) {
    VmEvent event = event_of(VmEvent::Kind::VmRemoved, vm);
    event.text = std::move(reason);
    add(std::move(event));
}

std::vector<VmEvent> EventStream::take() {
    std::vector<VmEvent> taken;
    std::lock_guard lock(mutex_);
    taken.swap(events_);
    for (const auto& [vm, budget] : budgets_) {
        if (budget.dropped == 0) continue;
        VmEvent event = event_of(VmEvent::Kind::OutputDropped, vm, budget.last_dropped_pid);
        event.bytes = budget.dropped;
        taken.push_back(std::move(event));
    }
    budgets_.clear();
    return taken;
}

void EventStream::add(VmEvent event) {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
}

}  // namespace luaos::service
